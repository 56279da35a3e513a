using System.Collections.Concurrent;
using Callvia.Core.Dialer;
using Callvia.Core.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Callvia.Jobs.Dialer;

/// <summary>
/// One dialer tick of this instance: the clients with work (<c>app_dialer_clients</c>: due leads, or slots whose lease
/// passed), for each in its own tenant scope the reclaiming of expired slots, then the claim (<see cref="DialerClaims"/>),
/// and the claimed calls sent to Retell in the background — each answer recorded (<see cref="DialerResults"/>) as it comes,
/// so a slow Retell never holds the next tick. Any number of instances may tick at once: the claim's transaction decides.
/// Without a Retell key nothing is dialed (and the log says so): no call is ever pretended.
/// </summary>
public sealed class DialerLoop(IServiceScopeFactory scopes, NpgsqlDataSource dataSource, TenantStore tenants, IOptions<RetellOptions> retell,
    TimeProvider clock, ILogger<DialerLoop> logger)
{
    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();
    private DateTimeOffset _warnedUnconfigured = DateTimeOffset.MinValue;

    /// <summary>Create-phone-calls sent and not yet answered by Retell.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Runs one tick; returns the calls it claimed.</summary>
    public async Task<int> TickAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var work = new List<(Guid Client, bool Due, bool Expired)>();
        await using (var cmd = dataSource.CreateCommand("SELECT client_id, due, expired FROM app_dialer_clients($1)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = now });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) work.Add((reader.GetGuid(0), reader.GetBoolean(1), reader.GetBoolean(2)));
        }
        if (work.Any(w => w.Due) && !retell.Value.IsConfigured && now - _warnedUnconfigured > TimeSpan.FromMinutes(5))
        {
            _warnedUnconfigured = now;
            logger.LogWarning("The dialer has due leads but Retell is not configured (Dialer:Retell:ApiKey): no calls are placed");
        }
        var claimed = 0;
        foreach (var (clientId, due, expired) in work)
        {
            try
            {
                claimed += await ClientTickAsync(clientId, due && retell.Value.IsConfigured, expired, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Dialer tick failed for client {ClientId}", clientId);
            }
        }
        return claimed;
    }

    /// <summary>
    /// Claims for these clients alone (their slot just freed, <see cref="DialerWakeup"/>), without looking for work across
    /// tenants; the claim decides as in a tick (the client's state, its switches, the platform's). Returns the calls claimed.
    /// </summary>
    public async Task<int> TickClientsAsync(IEnumerable<Guid> clientIds, CancellationToken ct)
    {
        if (!retell.Value.IsConfigured) return 0;
        var claimed = 0;
        foreach (var clientId in clientIds)
        {
            try
            {
                claimed += await ClientTickAsync(clientId, due: true, expired: false, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Dialer claim failed for client {ClientId}", clientId);
            }
        }
        return claimed;
    }

    /// <summary>Waits for the create-phone-calls in flight (tests; the service's stop).</summary>
    public Task DrainAsync() => Task.WhenAll(_inFlight.Values);

    private async Task<int> ClientTickAsync(Guid clientId, bool due, bool expired, CancellationToken ct)
    {
        if (await tenants.FindByIdAsync(clientId, ct) is not { } tenant) return 0;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
        if (expired)
        {
            var reclaimed = await scope.ServiceProvider.GetRequiredService<DialerResults>().ReclaimAsync(ct);
            if (reclaimed > 0) logger.LogWarning("Reclaimed {Count} call slots of client {ClientId} whose lease passed", reclaimed, clientId);
        }
        if (!due) return 0;
        var planned = await scope.ServiceProvider.GetRequiredService<DialerClaims>().ClaimAsync(ct);
        foreach (var call in planned)
            _inFlight[call.AttemptId] = PlaceAsync(tenant, call);
        return planned.Count;
    }

    /// <summary>
    /// Sends one claimed call and records Retell's answer. Not cancelled by a stop: the request is bounded by Retell's
    /// time limit, and an answer not recorded (a crash) leaves the attempt to the reconciliation of its lease.
    /// </summary>
    private async Task PlaceAsync(TenantInfo tenant, PlannedCall call)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<RetellClient>().CreatePhoneCallAsync(call.Request, CancellationToken.None);
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
            await scope.ServiceProvider.GetRequiredService<DialerResults>().RecordAsync(call, result, CancellationToken.None);
            if (result.Outcome != PlaceCallOutcome.Placed)
                logger.LogWarning("Create-phone-call for attempt {AttemptId}: {Outcome} ({Error})", call.AttemptId, result.Outcome, result.Error);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Recording the create-phone-call of attempt {AttemptId} failed; its lease reconciles it", call.AttemptId);
        }
        finally
        {
            _inFlight.TryRemove(call.AttemptId, out _);
        }
    }
}

/// <summary>
/// Runs <see cref="DialerLoop"/> every <see cref="DialerOptions.Tick"/>, and between ticks claims at once for a client
/// whose slot just freed (<see cref="DialerWakeup"/>); on stop, lets the calls in flight be recorded.
/// </summary>
public sealed class DialerService(DialerLoop loop, DialerWakeup wakeup, TimeProvider clock, IOptions<DialerOptions> options, ILogger<DialerService> logger)
    : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextTick = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // the clients woken first (a freed slot is filled at once), then the tick when it is due; the next tick
                // counts from this one's end, so a slow look-up never starves the wake-ups
                var woken = wakeup.Take();
                if (woken.Count > 0) await loop.TickClientsAsync(woken, stoppingToken);
                if (clock.GetUtcNow() >= nextTick)
                {
                    await loop.TickAsync(stoppingToken);
                    nextTick = clock.GetUtcNow() + options.Value.Tick;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Dialer tick failed; retrying");
            }
            try { await wakeup.WaitAsync(nextTick - clock.GetUtcNow(), clock, stoppingToken); }
            catch (OperationCanceledException) { }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await loop.DrainAsync().WaitAsync(cancellationToken);
    }
}
