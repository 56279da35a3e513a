using System.Diagnostics.Metrics;

namespace Callvia.Core.Webhooks;

/// <summary>
/// Alertable figures of the webhook inbox (meter "Callvia", exported with the rest of the telemetry):
/// <c>callvia.webhooks.events.failed</c>, a counter of events that ended failed (by provider), and
/// <c>callvia.webhooks.events.unresolved</c>, a gauge of events failed and not replayed (<c>state=failed</c>) and of
/// events still unprocessed 5 minutes after they came (<c>state=stuck</c>), refreshed by the sweep every minute.
/// Alert on either gauge above 0.
/// </summary>
public sealed class WebhookMetrics
{
    private readonly Counter<long> _failedCounter;
    private long _failed, _stuck;

    /// <param name="meters">The host's meter factory: each host (and each test host) owns its instruments.</param>
    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Callvia");
        _failedCounter = meter.CreateCounter<long>("callvia.webhooks.events.failed", description: "Webhook events that ended failed.");
        meter.CreateObservableGauge("callvia.webhooks.events.unresolved", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _failed), new KeyValuePair<string, object?>("state", "failed")),
            new Measurement<long>(Interlocked.Read(ref _stuck), new KeyValuePair<string, object?>("state", "stuck")),
        }, description: "Webhook events failed and not replayed, and events unprocessed 5 minutes after they came.");
    }

    public void Failed(string provider) => _failedCounter.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public (long Failed, long Stuck) Unresolved => (Interlocked.Read(ref _failed), Interlocked.Read(ref _stuck));

    public void SetUnresolved(long failed, long stuck)
    {
        Interlocked.Exchange(ref _failed, failed);
        Interlocked.Exchange(ref _stuck, stuck);
    }
}
