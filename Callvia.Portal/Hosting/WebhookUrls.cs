using Callvia.Core.Tenancy;
using Microsoft.Extensions.Options;

namespace Callvia.Portal.Hosting;

/// <summary>
/// The addresses a client pastes into Retell, Cal.com and MessageBird: the API's webhook endpoints on the client's own
/// host. <c>Callvia:PublicApiUrl</c> (e.g. <c>https://{slug}.callvia.app</c>) when configured; else the API service's
/// address as Aspire gives it to the portal (<c>services:api:…</c>) with the client's host name.
/// </summary>
public sealed class WebhookUrls(IConfiguration configuration, IOptions<TenancyOptions> tenancy)
{
    public static readonly IReadOnlyList<(string Provider, string Label)> Providers =
        [("retell", "Retell AI (agent webhook)"), ("calcom", "Cal.com (webhook subscriber URL)"),
         ("messagebird", "MessageBird (SMS flow webhook and status reports)"), ("sendgrid", "SendGrid (signed Event Webhook)")];

    public string For(TenantInfo client, string provider) => $"{Origin(client)}/api/webhooks/{provider}";

    private string Origin(TenantInfo client)
    {
        var host = $"{client.Slug}.{tenancy.Value.RootDomain}";
        if (configuration["Callvia:PublicApiUrl"] is { Length: > 0 } template)
            return template.Replace("{slug}", client.Slug).TrimEnd('/');
        var api = configuration["services:api:https:0"] ?? configuration["services:api:http:0"];
        return Uri.TryCreate(api, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{host}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}" : $"https://{host}";
    }
}
