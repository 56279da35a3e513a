using Callvia.Core.Webhooks.Providers.Calcom;
using Callvia.Core.Webhooks.Providers.MessageBird;
using Callvia.Core.Webhooks.Providers.Retell;
using Callvia.Core.Webhooks.Providers.SendGrid;
using Callvia.Core.Webhooks.Providers.Stripe;

namespace Callvia.Core.Webhooks;

/// <summary>
/// The one registration of webhook providers. A provider added here gets its endpoint (<c>POST /api/webhooks/{name}</c>),
/// its events dispatched, swept and applied by the jobs service, a place in the agency's filter and, when its secret is
/// the client's, a place in the client's provider secrets.
/// </summary>
public static class WebhookProviders
{
    public static readonly IReadOnlyList<IWebhookProvider> All =
    [
        new RetellWebhook(),
        new CalcomWebhook(),
        new StripeWebhook(),
        new MessageBirdWebhook(),
        new SendGridWebhook(),
    ];

    private static readonly Dictionary<string, IWebhookProvider> ByName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The providers whose stored events the jobs service applies (the dispatcher, the sweep, the agency's filter).</summary>
    public static readonly string[] Handled = [.. All.Select(p => p.Name)];

    /// <summary>The secrets a client can set (<see cref="ProviderSecrets"/>), in order.</summary>
    public static readonly IReadOnlyList<string> ClientSecrets =
        [.. All.Where(p => p.SecretScope == WebhookSecretScope.Client).Select(p => p.Name).Order(StringComparer.Ordinal)];

    public static IWebhookProvider? Find(string name) => ByName.GetValueOrDefault(name);
}
