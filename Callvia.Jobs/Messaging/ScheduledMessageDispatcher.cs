using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Npgsql;

namespace Callvia.Jobs.Messaging;

/// <summary>
/// Takes the scheduled messages that are due (<c>app_claim_due_messages</c>: across tenants, oldest due first and then by
/// client, skipping rows another instance is taking, so two jobs-service instances never take the same message) and has
/// each client's sent by <see cref="ScheduledMessageSender"/> in its own tenant scope. A message taken whose answer is
/// never recorded (a crash) ends FAILED by <see cref="InterruptedMessageSweep"/>, never sent again.
/// </summary>
public sealed class ScheduledMessageDispatcher(IServiceScopeFactory scopes, NpgsqlDataSource dataSource, TenantStore tenants,
    TimeProvider clock, ILogger<ScheduledMessageDispatcher> logger)
{
    /// <summary>Messages per take: one statement (its p99 at a million scheduled is bench/reminders.sh's), one send batch.</summary>
    public const int ClaimSize = 100;

    /// <summary>Takes one batch of due messages and sends them; returns how many were taken.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var claimed = new List<(Guid Id, Guid ClientId)>();
        await using (var cmd = dataSource.CreateCommand("SELECT id, client_id FROM app_claim_due_messages($1, $2)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = ClaimSize });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) claimed.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }
        if (claimed.Count == 0) return 0;

        // once taken, the messages are sent whatever the stop token says (a stop waits for this batch)
        foreach (var group in claimed.GroupBy(c => c.ClientId))
        {
            var ids = group.Select(c => c.Id).ToList();
            try
            {
                if (await tenants.FindByIdAsync(group.Key, CancellationToken.None) is not { } tenant)
                {
                    logger.LogWarning("{Count} due messages of unknown client {ClientId} are left to the interrupted-message sweep", ids.Count, group.Key);
                    continue;
                }
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
                var result = await scope.ServiceProvider.GetRequiredService<ScheduledMessageSender>().SendAsync(ids, CancellationToken.None);
                if (result.Cancelled > 0)
                    logger.LogInformation("Client {ClientId}: {Sent} scheduled messages handed over, {Cancelled} cancelled at send time", group.Key, result.HandedOver, result.Cancelled);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Sending {Count} scheduled messages of client {ClientId} failed; the interrupted-message sweep ends them", ids.Count, group.Key);
            }
        }
        return claimed.Count;
    }
}

/// <summary>
/// Runs <see cref="ScheduledMessageDispatcher"/> in <see cref="Workers"/> loops at once (one's take overlaps another's
/// sending), each without pause while it finds full batches, else every <see cref="Idle"/>.
/// </summary>
public sealed class ScheduledMessageService(ScheduledMessageDispatcher dispatcher, TimeProvider clock, ILogger<ScheduledMessageService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    public const int Workers = 4;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var taken = 0;
            try
            {
                taken = await dispatcher.RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Taking due messages failed; retrying");
            }
            if (taken >= ScheduledMessageDispatcher.ClaimSize) continue;
            try { await Task.Delay(Idle, clock, stoppingToken); }
            catch (OperationCanceledException) { }
        }
    }
}
