using Callvia.Core.Webhooks.Providers.MessageBird;
using Callvia.Core.Webhooks.Providers.Calcom;
using Callvia.Core.Webhooks.Providers.Retell;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class WebhookInboxShould(ApiFixture fixture)
{
    private const string RetellKey = "key_retell_for_tests";
    private const string CalSecret = "cal_secret_for_tests";

    private static string RetellBody(string evt, string callId) =>
        $"{{\"event\":\"{evt}\",\"call\":{{\"call_id\":\"{callId}\",\"call_status\":\"ended\",\"metadata\":{{\"lead_id\":\"x\"}},\"transcript\":\"Agent: Olá, ça va?\"}}}}";

    [Fact]
    public async Task Store_a_signed_Retell_event_once_however_often_it_is_delivered()
    {
        var tenant = await TenantWithSecretsAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var callId = "call_" + Guid.NewGuid().ToString("N");
        var body = RetellBody("call_ended", callId);

        var first = await PostRetellAsync(api, body, RetellKey, DateTimeOffset.UtcNow);
        var again = await PostRetellAsync(api, body, RetellKey, DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("\"duplicate\":true", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await fixture.CountAsync($"""
            SELECT count(*) FROM events WHERE provider = 'retell' AND provider_event_key = '{callId}:call_ended'
              AND client_id = '{tenant.Id}' AND status = 'received' AND payload = '{body.Replace("'", "''")}'
            """));
        // another event of the same call is another row
        Assert.Equal(HttpStatusCode.OK, (await PostRetellAsync(api, RetellBody("call_analyzed", callId), RetellKey, DateTimeOffset.UtcNow)).StatusCode);
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider_event_key LIKE '{callId}:%'"));
    }

    [Fact]
    public async Task Refuse_wrong_missing_stale_or_other_tenant_signatures_and_store_nothing()
    {
        var a = await TenantWithSecretsAsync();
        var b = await TenantWithSecretsAsync("key_of_b_tenant");
        using var apiA = fixture.Api.CreateClient(a.Slug);
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var callId = "call_" + Guid.NewGuid().ToString("N");
        var body = RetellBody("call_started", callId);

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostRetellAsync(apiA, body, "wrong_key", DateTimeOffset.UtcNow)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostRetellAsync(apiA, body, RetellKey, DateTimeOffset.UtcNow.AddMinutes(-6))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await apiA.PostAsync("/api/webhooks/retell", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);
        // signed with A's key, sent to B's host
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostRetellAsync(apiB, body, RetellKey, DateTimeOffset.UtcNow)).StatusCode);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider_event_key LIKE '{callId}:%'"));
    }

    [Fact]
    public async Task Answer_400_for_malformed_JSON_413_for_oversize_2xx_for_unknown_events_and_404_for_unknown_hosts()
    {
        var tenant = await TenantWithSecretsAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var before = await fixture.CountAsync($"SELECT count(*) FROM events WHERE client_id = '{tenant.Id}'");

        Assert.Equal(HttpStatusCode.BadRequest, (await PostRetellAsync(api, "{\"event\":\"call_ended\",", RetellKey, DateTimeOffset.UtcNow)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostRetellAsync(api, "{\"event\":\"call_ended\",\"call\":{}}", RetellKey, DateTimeOffset.UtcNow)).StatusCode);
        var huge = "{\"event\":\"call_ended\",\"call\":{\"call_id\":\"c\",\"transcript\":\"" + new string('a', 1_100_000) + "\"}}";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostRetellAsync(api, huge, RetellKey, DateTimeOffset.UtcNow)).StatusCode);
        var unknown = await PostRetellAsync(api, RetellBody("transcript_updated", "call_x"), RetellKey, DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("\"ignored\":true", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(before, await fixture.CountAsync($"SELECT count(*) FROM events WHERE client_id = '{tenant.Id}'"));

        using var nowhere = fixture.Api.CreateClient("nobody-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(HttpStatusCode.NotFound, (await PostRetellAsync(nowhere, RetellBody("call_ended", "c1"), RetellKey, DateTimeOffset.UtcNow)).StatusCode);
    }

    [Fact]
    public async Task Store_signed_Calcom_bookings_keyed_by_trigger_and_uid_and_refuse_no_secret_provided()
    {
        var tenant = await TenantWithSecretsAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var uid = "bk_" + Guid.NewGuid().ToString("N");
        var created = $"{{\"triggerEvent\":\"BOOKING_CREATED\",\"createdAt\":\"2026-01-05T10:00:00.000Z\",\"payload\":{{\"uid\":\"{uid}\",\"startTime\":\"2026-01-06T15:00:00Z\"}}}}";
        var rescheduled = $"{{\"triggerEvent\":\"BOOKING_RESCHEDULED\",\"createdAt\":\"2026-01-05T11:00:00.000Z\",\"payload\":{{\"uid\":\"{uid}-2\",\"rescheduleUid\":\"{uid}\"}}}}";

        Assert.Equal(HttpStatusCode.OK, (await PostCalAsync(api, created, CalcomSignature.Sign(Encoding.UTF8.GetBytes(created), CalSecret))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostCalAsync(api, created, CalcomSignature.Sign(Encoding.UTF8.GetBytes(created), CalSecret))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostCalAsync(api, rescheduled, CalcomSignature.Sign(Encoding.UTF8.GetBytes(rescheduled), CalSecret))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostCalAsync(api, created, "no-secret-provided")).StatusCode);

        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'calcom' AND provider_event_key = 'BOOKING_CREATED:{uid}'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'calcom' AND provider_event_key = 'BOOKING_RESCHEDULED:{uid}-2:{uid}'"));
    }

    [Fact]
    public async Task Let_only_a_client_admin_set_secrets_and_never_show_them()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var token = await api.TokenAsync(tenant);
        using (var partner = new HttpRequestMessage(HttpMethod.Put, "/api/settings/provider-secrets/retell") { Content = JsonContent.Create(new { secret = "partner-tries-this" }) })
        {
            partner.Headers.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(partner)).StatusCode);
        }

        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(tenant.Slug, cookies);
        await portal.SignInAsync(tenant.AdminEmail, tenant.Password);
        using var admin = fixture.Api.CreateClient(tenant.Slug, cookies);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/settings/provider-secrets/retell", new { secret = RetellKey })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/settings/provider-secrets/retell", new { secret = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/settings/provider-secrets/nope", new { secret = "12345678" })).StatusCode);
        var listed = await admin.GetStringAsync("/api/settings/provider-secrets");
        Assert.Contains("\"provider\":\"retell\"", listed);
        Assert.DoesNotContain(RetellKey, listed);
        // stored encrypted
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE protected LIKE '%{RetellKey}%'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE client_id = '{tenant.Id}' AND provider = 'retell'"));

        // and the secret set through the API verifies webhooks
        Assert.Equal(HttpStatusCode.OK, (await PostRetellAsync(admin, RetellBody("call_ended", "call_" + Guid.NewGuid().ToString("N")), RetellKey, DateTimeOffset.UtcNow)).StatusCode);
    }

    private async Task<TestTenant> TenantWithSecretsAsync(string retellKey = RetellKey)
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var secrets = sp.GetRequiredService<ProviderSecrets>();
            await secrets.SetAsync("retell", retellKey, default);
            return true;
        });
        await fixture.InTenantAsync(tenant, async sp =>
        {
            await sp.GetRequiredService<ProviderSecrets>().SetAsync("calcom", CalSecret, default);
            return true;
        });
        return tenant;
    }

    private static Task<HttpResponseMessage> PostRetellAsync(HttpClient api, string body, string key, DateTimeOffset at)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/retell") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-retell-signature", RetellSignature.Sign(Encoding.UTF8.GetBytes(body), key, at.ToUnixTimeMilliseconds()));
        return api.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostCalAsync(HttpClient api, string body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/calcom") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Cal-Signature-256", signature);
        return api.SendAsync(request);
    }
}

[Collection(ApiCollection.Name)]
public sealed class MessageBirdInboxShould(ApiFixture fixture)
{
    private const string SigningKey = "mb_key_for_tests";

    [Fact]
    public async Task Store_a_signed_inbound_sms_once_and_refuse_an_unsigned_one()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(tenant, async sp => { await sp.GetRequiredService<ProviderSecrets>().SetAsync("messagebird", SigningKey, default); return true; });
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var body = $"originator=1202555{Random.Shared.Next(1000, 9999)}&recipient=3197010520000&payload=STOP&id={Guid.NewGuid():N}";
        var url = new Uri(api.BaseAddress!, "/api/webhooks/messagebird").ToString();

        for (var i = 0; i < 2; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/messagebird") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
            request.Headers.Add("MessageBird-Signature-JWT", MessageBirdSignature.Sign(SigningKey, url, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow));
            Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(request)).StatusCode);
        }
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'messagebird' AND client_id = '{tenant.Id}' AND payload LIKE '%\"payload\":\"STOP\"%'"));

        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/messagebird") { Content = new StringContent(body + "x", Encoding.UTF8, "application/x-www-form-urlencoded") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(unsigned)).StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'messagebird' AND client_id = '{tenant.Id}'"));
    }

    [Fact]
    public async Task Refuse_a_signed_message_whose_id_the_database_cannot_store_with_a_400_naming_it()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(tenant, async sp => { await sp.GetRequiredService<ProviderSecrets>().SetAsync("messagebird", SigningKey, default); return true; });
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var body = "originator=12025550101&payload=hi&id=a%00b";
        var url = new Uri(api.BaseAddress!, "/api/webhooks/messagebird").ToString();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/messagebird") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("MessageBird-Signature-JWT", MessageBirdSignature.Sign(SigningKey, url, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow));

        var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'id'", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'messagebird' AND client_id = '{tenant.Id}'"));
    }
}

/// <summary>SendGrid's signed Event Webhook and MessageBird's delivery reports at the tenant's host, verified before anything is stored.</summary>
[Collection(ApiCollection.Name)]
public sealed class DeliveryReceiptInboxShould(ApiFixture fixture)
{
    private const string MessageBirdKey = "mb_key_for_reports";

    [Fact]
    public async Task Store_a_signed_sendgrid_batch_once_and_refuse_what_is_unsigned_tampered_stale_or_not_events()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var tenant = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(tenant, async sp =>
        {
            await sp.GetRequiredService<ProviderSecrets>().SetAsync("sendgrid", Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), default);
            return true;
        });
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var u = Guid.NewGuid().ToString("N");
        var body = $"[{{\"email\":\"a@example.com\",\"timestamp\":1786287700,\"event\":\"delivered\",\"sg_event_id\":\"d-{u}\",\"sg_message_id\":\"abc.filter1\"}}]\r\n";
        var now = DateTimeOffset.UtcNow;
        var count = $"SELECT count(*) FROM events WHERE provider = 'sendgrid' AND client_id = '{tenant.Id}'";

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(api, body, Sign(key, now, body), now)).StatusCode);
        var again = await PostAsync(api, body, Sign(key, now.AddSeconds(30), body), now.AddSeconds(30)); // SendGrid retrying the same batch
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("duplicate", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await fixture.CountAsync(count));

        var other = body.Replace("d-" + u, "d2-" + u);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(api, other, null, now)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(api, other, Sign(key, now, body), now)).StatusCode);            // signed another body
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(api, other, Sign(key, now.AddMinutes(-11), other), now.AddMinutes(-11))).StatusCode); // stale
        using var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(api, other, Sign(stranger, now, other), now)).StatusCode);
        var notEvents = "{\"event\":\"delivered\"}";
        var refused = await PostAsync(api, notEvents, Sign(key, now, notEvents), now);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("JSON array", await refused.Content.ReadAsStringAsync());
        var opens = $"[{{\"email\":\"a@example.com\",\"event\":\"open\",\"sg_event_id\":\"o-{u}\"}}]";
        var ignored = await PostAsync(api, opens, Sign(key, now, opens), now);
        Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        Assert.Equal(1, await fixture.CountAsync(count));

        // signed with A's key but sent to B's host: B's key does not verify it
        var b = await fixture.CreateTenantAsync();
        using var apiB = fixture.Api.CreateClient(b.Slug);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(apiB, other, Sign(key, now, other), now)).StatusCode);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'sendgrid' AND client_id = '{b.Id}'"));
    }

    [Fact]
    public async Task Store_a_signed_messagebird_delivery_report_once_per_status()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(tenant, async sp => { await sp.GetRequiredService<ProviderSecrets>().SetAsync("messagebird", MessageBirdKey, default); return true; });
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var id = Guid.NewGuid().ToString("N");
        foreach (var status in new[] { "sent", "delivered", "delivered" })
        {
            var body = $"id={id}&reference={Guid.NewGuid()}&recipient=12125550101&status={status}&statusDatetime=2026-08-19T15%3A00%3A05%2B00%3A00";
            if (status == "delivered") body = body[..body.IndexOf("&reference")] + "&recipient=12125550101&status=delivered&statusDatetime=2026-08-19T15%3A00%3A09%2B00%3A00";
            var url = new Uri(api.BaseAddress!, "/api/webhooks/messagebird").ToString();
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/messagebird") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
            request.Headers.Add("MessageBird-Signature-JWT", MessageBirdSignature.Sign(MessageBirdKey, url, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow));
            Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(request)).StatusCode);
        }
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider = 'messagebird' AND client_id = '{tenant.Id}' AND event_type = 'delivery_report'"));

        var neither = "recipient=12125550101&payload=hi";
        var bad = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/messagebird") { Content = new StringContent(neither, Encoding.UTF8, "application/x-www-form-urlencoded") };
        bad.Headers.Add("MessageBird-Signature-JWT", MessageBirdSignature.Sign(MessageBirdKey, new Uri(api.BaseAddress!, "/api/webhooks/messagebird").ToString(), Encoding.UTF8.GetBytes(neither), DateTimeOffset.UtcNow));
        var response = await api.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("delivery report", await response.Content.ReadAsStringAsync());
    }

    private static string Sign(System.Security.Cryptography.ECDsa key, DateTimeOffset at, string body) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(at.ToUnixTimeSeconds() + body), System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence));

    private static Task<HttpResponseMessage> PostAsync(HttpClient api, string body, string? signature, DateTimeOffset at)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/sendgrid") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", signature);
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return api.SendAsync(request);
    }
}
