using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Jobs.Webhooks;

/// <summary>
/// Claims new webhook events as they arrive (polling every 100 ms when idle) and enqueues their processing, each with
/// its tenant. The API only stores events, so a burst of webhooks costs it one insert each.
/// </summary>
public sealed class WebhookEventDispatcher(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, TimeProvider clock,
    Microsoft.Extensions.Logging.ILogger<WebhookEventDispatcher> logger) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                await using var cmd = dataSource.CreateCommand("SELECT id, client_id FROM app_claim_events($1, 500)");
                cmd.Parameters.Add(new NpgsqlParameter { Value = WebhookProviders.Handled });
                var batch = new List<(Guid, Guid)>();
                await using (var reader = await cmd.ExecuteReaderAsync(stoppingToken))
                    while (await reader.ReadAsync(stoppingToken))
                        batch.Add((reader.GetGuid(0), reader.GetGuid(1)));
                ProcessWebhookEventJob.Enqueue(jobs, batch);
                claimed = batch.Count;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // claimed but not enqueued events are found again by the sweep
                logger.LogWarning(e, "Dispatching webhook events failed; retrying");
            }
            if (claimed == 0)
            {
                try { await Task.Delay(TimeSpan.FromMilliseconds(100), clock, stoppingToken); }
                catch (OperationCanceledException) { }
            }
        }
    }
}
