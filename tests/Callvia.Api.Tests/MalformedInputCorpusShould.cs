using Callvia.Core.Webhooks.Providers.Calcom;
using Callvia.Core.Webhooks.Providers.Retell;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>
/// The malformed-input corpus: requests no well-behaved client sends, against every route of the API (token, GraphQL
/// over HTTP and WebSocket, REST, webhooks, import), each answered with a 4xx and a body that says what is wrong, and
/// none changing anything of the tenant's. Add a case here for every malformed request found to misbehave.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class MalformedInputCorpusShould(ApiFixture fixture)
{
    private const string RetellKey = "key_retell_corpus";
    private const string CalSecret = "cal_secret_corpus";
    private const string GraphQLAccept = "application/graphql-response+json, application/json;q=0.9";

    private sealed record Case(string Name, Func<Task<(int Status, string Body)>> Send, string? Says = null);

    [Fact]
    public async Task Answer_every_malformed_request_with_a_4xx_that_names_the_problem_and_change_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(tenant, async sp =>
        {
            await sp.GetRequiredService<ProviderSecrets>().SetAsync("retell", RetellKey, default);
            return true;
        });
        await fixture.InTenantAsync(tenant, async sp =>
        {
            await sp.GetRequiredService<ProviderSecrets>().SetAsync("calcom", CalSecret, default);
            return true;
        });
        using var session = await AdminHelpers.SessionAsync(fixture, tenant.Slug, tenant.AdminEmail);
        using var anonymous = fixture.Api.CreateClient(tenant.Slug);
        var token = await AdminHelpers.TokenAsync(fixture, tenant);
        var campaign = tenant.CampaignIds[0];
        var appointment = (await fixture.TextAsync($"SELECT id FROM appointments WHERE client_id = '{tenant.Id}'"))!;
        var lead = (await fixture.TextAsync($"SELECT id FROM leads WHERE client_id = '{tenant.Id}' LIMIT 1"))!;
        var host = $"{tenant.Slug}.localhost:{fixture.Api.Port}";
        var before = await fixture.FingerprintAsync(tenant.Id);
        var tablesBefore = await fixture.TableFingerprintsAsync(tenant.Id);

        async Task<(int, string)> Send(HttpClient client, HttpMethod method, string path, HttpContent? content, bool bearer = true, string? accept = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            if (bearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
            using var response = await client.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        Task<(int, string)> Json(string path, string json, HttpClient? client = null, string? accept = null, bool bearer = true) =>
            Send(client ?? anonymous, HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"), bearer && client is null, accept);
        Task<(int, string)> GraphQL(string json) => Json("/graphql", json, accept: GraphQLAccept);
        Task<(int, string)> Token(string form) =>
            Send(anonymous, HttpMethod.Post, "/connect/token", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"), bearer: false);
        Task<(int, string)> Raw(string request, TimeSpan? wait = null) =>
            RawHttp.SendAsync(fixture.Api.Port, RawHttp.Ascii(request), wait ?? TimeSpan.FromSeconds(20));
        Task<(int, string)> Webhook(string provider, string body)
        {
            var content = new StringContent(body, Encoding.UTF8, "application/json");
            var bytes = Encoding.UTF8.GetBytes(body);
            if (provider == "retell")
                content.Headers.Add("x-retell-signature", RetellSignature.Sign(bytes, RetellKey, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            else
                content.Headers.Add("X-Cal-Signature-256", CalcomSignature.Sign(bytes, CalSecret));
            return Send(anonymous, HttpMethod.Post, "/api/webhooks/" + provider, content, bearer: false);
        }
        Task<(int, string)> Multipart(string contentType, byte[] body, string path) =>
            Send(anonymous, HttpMethod.Post, path, new ByteArrayContent(body) { Headers = { { "Content-Type", contentType } } });
        var csv = "phone,first_name\n+12025550143,Ann\n";
        byte[] Form(string boundary, string file) => Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leads.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n");
        var bigCsv = new StringBuilder("phone,first_name\n");
        for (var i = 0; bigCsv.Length < 12_000; i++) bigCsv.Append($"+1202555{i % 10000:D4},Name{i}\n");
        var csvWithNul = bigCsv + "+12025559999,Nu\0ll\n";

        var cases = new List<Case>
        {
            // token endpoint
            new("token: NUL in client_id", () => Token("grant_type=client_credentials&client_id=a%00b&client_secret=x"), "client_id"),
            new("token: NUL in client_secret", () => Token($"grant_type=client_credentials&client_id={tenant.PartnerClientId}&client_secret=a%00"), "client_secret"),
            new("token: body over the limit", () => Token("grant_type=client_credentials&client_secret=" + new string('a', 20_000))),
            // GraphQL over HTTP
            new("graphql GET: variables not JSON", () => Send(anonymous, HttpMethod.Get, "/graphql?query=%7Bclient%7Bid%7D%7D&variables=%7B", null), "variables"),
            new("graphql GET: variables not an object", () => Send(anonymous, HttpMethod.Get, "/graphql?query=%7Bclient%7Bid%7D%7D&variables=%5B%5D", null), "variables"),
            new("graphql: body not JSON", () => GraphQL("{\"query\":")),
            new("graphql: query not a string", () => GraphQL("{\"query\":42}")),
            new("graphql: variables a string", () => GraphQL("{\"query\":\"{ client { id } }\",\"variables\":\"x\"}")),
            new("graphql: JSON nested too deep", () => GraphQL("{\"query\":\"{ client { id } }\",\"variables\":{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}}")),
            new("graphql: lone surrogate in a variable", () => GraphQL("{\"query\":\"query($s: String) { leads(filter: { search: $s }) { totalCount } }\",\"variables\":{\"s\":\"\\ud800\"}}")),
            new("graphql: NUL in a search variable", () => GraphQL("{\"query\":\"query($s: String) { leads(filter: { search: $s }) { totalCount } }\",\"variables\":{\"s\":\"a\\u0000b\"}}"), "NUL"),
            new("graphql: NUL in a campaign name literal", () => GraphQL("{\"query\":\"mutation { createCampaign(input: { name: \\\"Spring\\\\u0000\\\" }) { campaign { id } } }\"}"), "NUL"),
            new("graphql: NUL in an input object variable", () => GraphQL("{\"query\":\"mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id } } }\",\"variables\":{\"i\":{\"name\":\"x\\u0000\"}}}"), "NUL"),
            new("graphql: NUL in an ID", () => GraphQL("{\"query\":\"{ lead(id: \\\"a\\\\u0000\\\") { id } }\"}"), "NUL"),
            new("graphql: wrong content type", () => Send(anonymous, HttpMethod.Post, "/graphql", new StringContent("{ client { id } }", Encoding.UTF8, "text/plain"))),
            new("graphql: body over 256 KB", () => GraphQL("{\"query\":\"{ client { id } }\",\"variables\":{\"a\":\"" + new string('a', 300_000) + "\"}}")),
            new("graphql: bad chunk size", () => Raw($"POST /graphql HTTP/1.1\nHost: {host}\nAuthorization: Bearer {token}\nContent-Type: application/json\nTransfer-Encoding: chunked\n\nzz\n{{}}\n0\n\n")),
            new("graphql: body shorter than its Content-Length, client stalls", () => Raw($"POST /graphql HTTP/1.1\nHost: {host}\nAuthorization: Bearer {token}\nContent-Type: application/json\nContent-Length: 500\n\n{{\"query\":")),
            // REST: verify, messages, provider secrets, imports
            new("verify: lone surrogate in note", () => Json("/api/appointments/verify", $"{{\"appointmentId\":\"{appointment}\",\"showed\":true,\"note\":\"\\ud83d\"}}"), "note"),
            new("verify: NUL in note", () => Json("/api/appointments/verify", $"{{\"appointmentId\":\"{appointment}\",\"showed\":true,\"note\":\"a\\u0000\"}}"), "note"),
            new("verify: NUL in appointmentId", () => Json("/api/appointments/verify", "{\"appointmentId\":\"a\\u0000\",\"showed\":true}"), "appointmentId"),
            new("verify: bad chunk size", () => Raw($"POST /api/appointments/verify HTTP/1.1\nHost: {host}\nAuthorization: Bearer {token}\nContent-Type: application/json\nTransfer-Encoding: chunked\n\nnothex\n{{}}\n0\n\n")),
            new("messages: NUL in body", () => Json("/api/messages/send", $"{{\"leadId\":\"{lead}\",\"channel\":\"sms\",\"body\":\"hi\\u0000\"}}"), "body"),
            new("messages: lone surrogate in subject", () => Json("/api/messages/send", $"{{\"leadId\":\"{lead}\",\"channel\":\"email\",\"subject\":\"\\udc00\",\"body\":\"hi\"}}"), "subject"),
            new("messages: not JSON", () => Json("/api/messages/send", "{\"leadId\":")),
            new("messages: body over the limit", () => Json("/api/messages/send", $"{{\"leadId\":\"{lead}\",\"channel\":\"sms\",\"body\":\"{new string('a', 40_000)}\"}}")),
            new("provider secret: 2 MB body", () => Send(session, HttpMethod.Put, "/api/settings/provider-secrets/retell", new StringContent("{\"secret\":\"" + new string('a', 2_000_000) + "\"}", Encoding.UTF8, "application/json"), bearer: false)),
            new("provider secret: NUL in the secret", () => Send(session, HttpMethod.Put, "/api/settings/provider-secrets/retell", new StringContent("{\"secret\":\"abcdefghijklmnop\\u0000qrstuvwxyz\"}", Encoding.UTF8, "application/json"), bearer: false), "secret"),
            new("provider secret: not JSON", () => Send(session, HttpMethod.Put, "/api/settings/provider-secrets/retell", new StringContent("{\"secret\":", Encoding.UTF8, "application/json"), bearer: false)),
            new("imports: NUL in campaignId", () => Json("/api/leads/imports", "{\"campaignId\":\"a\\u0000\"}"), "campaignId"),
            new("imports: not JSON", () => Json("/api/leads/imports", "{")),
            new("import: multipart with a wrong boundary", () => Multipart("multipart/form-data; boundary=right", Form("wrong", csv), $"/api/leads/import?campaignId={campaign}")),
            new("import: multipart cut off in the file", () => Multipart("multipart/form-data; boundary=b0", Form("b0", bigCsv.ToString())[..9000], $"/api/leads/import?campaignId={campaign}")),
            new("import: multipart cut off in the headers", () => Multipart("multipart/form-data; boundary=b1", Encoding.UTF8.GetBytes("--b1\r\nContent-Disposition: form-da"), $"/api/leads/import?campaignId={campaign}")),
            new("import: CSV with a NUL byte after 8 KB", () => Multipart("text/csv", Encoding.UTF8.GetBytes(csvWithNul), $"/api/leads/import?campaignId={campaign}"), "NUL"),
            new("import: bad chunk size", () => Raw($"POST /api/leads/import?campaignId={campaign} HTTP/1.1\nHost: {host}\nAuthorization: Bearer {token}\nContent-Type: text/csv\nTransfer-Encoding: chunked\n\n5\nphone\nqq\n0\n\n")),
            // webhooks, correctly signed, with payloads that are not what the provider sends
            new("retell: signed, not JSON", () => Webhook("retell", "{\"event\":")),
            new("retell: signed, JSON array", () => Webhook("retell", "[1,2]")),
            new("retell: signed, event not a string", () => Webhook("retell", "{\"event\":5,\"call\":{\"call_id\":\"c\"}}")),
            new("calcom: signed, not JSON", () => Webhook("calcom", "not json")),
            new("calcom: signed, no uid", () => Webhook("calcom", "{\"triggerEvent\":\"BOOKING_CREATED\",\"payload\":{}}")),
            new("webhook: bad chunk size", () => Raw($"POST /api/webhooks/retell HTTP/1.1\nHost: {host}\nContent-Type: application/json\nTransfer-Encoding: chunked\n\n-1\n{{}}\n0\n\n")),
        };

        var failures = new List<string>();
        foreach (var c in cases)
        {
            var (status, body) = await c.Send();
            if (status is < 400 or > 499)
                failures.Add($"{c.Name}: {status} {Clip(body)}");
            else if (!SaysWhy(body, c.Says))
                failures.Add($"{c.Name}: {status} without a clear problem{(c.Says is null ? "" : $" naming '{c.Says}'")}: {Clip(body)}");
        }

        // GraphQL over WebSocket: the same text in a subscription's variables is a VALIDATION error on that operation
        await using (var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, tenant.Slug, token))
        {
            await ws.SubscribeAsync("1", "query($s: String) { leads(filter: { search: $s }) { totalCount } }", new { s = "a\0b" });
            var answer = await ws.NextAsync();
            if (answer.GetProperty("type").GetString() != "error" || !answer.ToString().Contains("VALIDATION"))
                failures.Add("websocket: NUL in a variable: " + answer);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var tablesAfter = await fixture.TableFingerprintsAsync(tenant.Id);
        Assert.True(before == await fixture.FingerprintAsync(tenant.Id),
            "changed: " + string.Join(", ", tablesAfter.Where(t => tablesBefore[t.Key] != t.Value).Select(t => t.Key)));
    }

    /// <summary>A problem body (RFC 9457), a GraphQL error, or an OAuth error, with a message (naming <paramref name="says"/>).</summary>
    private static bool SaysWhy(string body, string? says)
    {
        var start = body.IndexOf('{');
        if (start < 0) return false;
        JsonElement json;
        try { json = JsonDocument.Parse(body[start..]).RootElement; }
        catch (JsonException) { return false; }
        var message = json.ValueKind != JsonValueKind.Object ? null
            : json.TryGetProperty("errors", out var errors) && errors.ValueKind is JsonValueKind.Array or JsonValueKind.Object ? json.ToString()
            : json.TryGetProperty("detail", out var detail) ? json.ToString()
            : json.TryGetProperty("error_description", out var description) ? description.GetString()
            : null;
        return !string.IsNullOrWhiteSpace(message) && (says is null || message.Contains(says, StringComparison.OrdinalIgnoreCase));
    }

    private static string Clip(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
