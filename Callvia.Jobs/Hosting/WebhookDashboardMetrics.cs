using Callvia.Core.Webhooks;
using Hangfire;
using Hangfire.Dashboard;

namespace Callvia.Jobs.Hosting;

/// <summary>
/// The jobs dashboard's home page shows the webhook events that failed (not replayed) and those stuck, as of the
/// sweep's last minute (<see cref="WebhookMetrics"/>): red when any. The events themselves, and their replay, are the
/// agency's GraphQL <c>webhookEvents</c> / <c>replayWebhookEvents</c>.
/// </summary>
public static class WebhookDashboardMetrics
{
    private static readonly DashboardMetric Failed = new("callvia-webhooks-failed", "Webhook events failed",
        page => Show(page, u => u.Failed));
    private static readonly DashboardMetric Stuck = new("callvia-webhooks-stuck", "Webhook events stuck",
        page => Show(page, u => u.Stuck));
    private static int _added;

    /// <summary>Once per process (Hangfire's configuration is global).</summary>
    public static void Add()
    {
        if (Interlocked.Exchange(ref _added, 1) == 1) return;
        GlobalConfiguration.Configuration.UseDashboardMetric(Failed).UseDashboardMetric(Stuck);
    }

    private static Metric Show(RazorPage page, Func<(long Failed, long Stuck), long> pick)
    {
        var count = pick(page.Context.GetHttpContext().RequestServices.GetRequiredService<WebhookMetrics>().Unresolved);
        return new Metric(count) { Style = count > 0 ? MetricStyle.Danger : MetricStyle.Default };
    }
}
