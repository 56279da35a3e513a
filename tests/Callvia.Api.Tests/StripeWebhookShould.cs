using System.Net;
using System.Text;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class StripeWebhookShould(ApiFixture fixture)
{
    [Fact]
    public async Task Store_an_invoice_event_for_the_client_owning_the_customer_once_on_any_host()
    {
        var tenant = await fixture.CreateTenantAsync();
        var body = StripeEvents.Invoice("invoice.paid", "in_" + tenant.Slug, "cus_" + tenant.Slug);
        using var platform = fixture.Api.CreateClient("admin");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(platform, body, StripeEvents.Sign(body, DateTimeOffset.UtcNow))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(platform, body, StripeEvents.Sign(body, DateTimeOffset.UtcNow))).StatusCode);
        var eventId = body[7..(body.IndexOf('"', 7))];
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'stripe' AND provider_event_key = '{eventId}' AND client_id = '{tenant.Id}'"));
    }

    [Fact]
    public async Task Keep_an_event_for_an_unknown_customer_for_the_agency_and_audit_it()
    {
        var customer = "cus_nobody_" + Guid.NewGuid().ToString("N")[..8];
        var body = StripeEvents.Invoice("invoice.payment_failed", "in_x", customer);
        using var platform = fixture.Api.CreateClient("admin");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(platform, body, StripeEvents.Sign(body, DateTimeOffset.UtcNow))).StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'stripe' AND client_id IS NULL AND payload LIKE '%{customer}%'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'stripe.unrouted_event' AND detail LIKE '%{customer}%'"));
    }

    [Fact]
    public async Task Refuse_a_wrong_or_stale_signature_and_store_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        var body = StripeEvents.Invoice("invoice.finalized", "in_" + tenant.Slug, "cus_" + tenant.Slug);
        using var platform = fixture.Api.CreateClient("admin");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(platform, body, StripeEvents.Sign(body, DateTimeOffset.UtcNow, "whsec_wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(platform, body, StripeEvents.Sign(body, DateTimeOffset.UtcNow.AddMinutes(-6)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(platform, body, null)).StatusCode);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'stripe' AND client_id = '{tenant.Id}'"));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient api, string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.Add("Stripe-Signature", signature);
        return api.SendAsync(request);
    }
}
