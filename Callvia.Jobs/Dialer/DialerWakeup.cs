using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Jobs.Dialer;

/// <summary>
/// The clients whose call slot just freed: the database notifies channel <see cref="Channel"/> with the client's id when
/// a call's end is stored (trigger <c>events_wake_dialer</c>, Data/Sql/11_dialer.sql), and <see cref="DialerService"/>
/// claims for them at once instead of at its next tick. A hint only: a lost notification costs a tick's wait, never a call.
/// </summary>
public sealed class DialerWakeup
{
    public const string Channel = "callvia_dialer";

    private readonly Lock _gate = new();
    private HashSet<Guid> _clients = [];
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake(Guid clientId)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _clients.Add(clientId);
            signal = _signal;
        }
        signal.TrySetResult();
    }

    /// <summary>The clients woken since the last take; a wake after this one ends the next <see cref="WaitAsync"/> at once.</summary>
    public IReadOnlyCollection<Guid> Take()
    {
        lock (_gate)
        {
            var taken = _clients;
            _clients = [];
            if (_signal.Task.IsCompleted) _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return taken;
        }
    }

    /// <summary>Waits for a wake or for <paramref name="max"/> on <paramref name="clock"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan max, TimeProvider clock, CancellationToken ct)
    {
        Task signal;
        lock (_gate) signal = _signal.Task;
        if (signal.IsCompleted || max <= TimeSpan.Zero) return;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAny(signal, Task.Delay(max, clock, stop.Token));
        await stop.CancelAsync();
    }
}

/// <summary>Listens to <see cref="DialerWakeup.Channel"/> on a connection of its own and hands each notification to the wakeup; reconnects after a failure.</summary>
public sealed class DialerWakeupListener(NpgsqlDataSource dataSource, DialerWakeup wakeup, TimeProvider clock, ILogger<DialerWakeupListener> logger)
    : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var clientId)) wakeup.Wake(clientId);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {DialerWakeup.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // a quiet connection is checked now and then, so a dead one is replaced
                while (!stoppingToken.IsCancellationRequested)
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken))
                        await using (var ping = new NpgsqlCommand("SELECT 1", connection))
                            await ping.ExecuteScalarAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The dialer's wake-up listener lost its connection; the dialer ticks meanwhile, reconnecting");
                try { await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken); }
                catch (OperationCanceledException) { }
            }
            catch (OperationCanceledException) { }
        }
    }
}

public static class DialerRegistration
{
    /// <summary>The dialer's parts; with <paramref name="run"/>, its loop and wake-up listener run as hosted services.</summary>
    public static IServiceCollection AddCallviaDialer(this IServiceCollection services, bool run)
    {
        services.AddSingleton<DialerLoop>();
        services.AddSingleton<DialerWakeup>();
        if (run)
        {
            services.AddHostedService<DialerWakeupListener>();
            services.AddHostedService<DialerService>();
        }
        return services;
    }
}
