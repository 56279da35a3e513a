using System.Diagnostics.Metrics;

namespace Callvia.Core.Webhooks;

/// <summary>
/// Alertable figures of the webhook inbox (meter "Callvia", exported with the rest of the telemetry):
/// <c>callvia.webhooks.events.failed</c>, a counter of events that ended failed (by provider), and
/// <c>callvia.webhooks.events.unresolved</c>, a gauge of events failed and not replayed (<c>state=failed</c>) and of
/// events still unprocessed 5 minutes after they came (<c>state=stuck</c>), refreshed by the sweep every minute.
/// Alert on either gauge above 0. <c>callvia.webhooks.batches.split</c> counts batches that failed as a whole and were
/// applied event by event (a poison event, a conflict): a steady rise means batches no longer apply together.
/// </summary>
public sealed class WebhookMetrics
{
    private readonly Counter<long> _failedCounter, _splitCounter;
    private long _failed, _stuck, _split;

    /// <param name="meters">The host's meter factory: each host (and each test host) owns its instruments.</param>
    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Callvia");
        _failedCounter = meter.CreateCounter<long>("callvia.webhooks.events.failed", description: "Webhook events that ended failed.");
        _splitCounter = meter.CreateCounter<long>("callvia.webhooks.batches.split", description: "Batches of webhook events applied event by event after failing together.");
        meter.CreateObservableGauge("callvia.webhooks.events.unresolved", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _failed), new KeyValuePair<string, object?>("state", "failed")),
            new Measurement<long>(Interlocked.Read(ref _stuck), new KeyValuePair<string, object?>("state", "stuck")),
        }, description: "Webhook events failed and not replayed, and events unprocessed 5 minutes after they came.");
    }

    public void Split()
    {
        Interlocked.Increment(ref _split);
        _splitCounter.Add(1);
    }

    /// <summary>Batches split since the host started.</summary>
    public long BatchesSplit => Interlocked.Read(ref _split);

    public void Failed(string provider) => _failedCounter.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public (long Failed, long Stuck) Unresolved => (Interlocked.Read(ref _failed), Interlocked.Read(ref _stuck));

    public void SetUnresolved(long failed, long stuck)
    {
        Interlocked.Exchange(ref _failed, failed);
        Interlocked.Exchange(ref _stuck, stuck);
    }
}
