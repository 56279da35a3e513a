namespace Callvia.Core.Webhooks;

/// <summary>The providers whose stored events the jobs service applies (the dispatcher, the sweep, the agency's filter).</summary>
public static class WebhookProviders
{
    public static readonly string[] Handled = ["retell", "calcom", "stripe", "messagebird"];
}
