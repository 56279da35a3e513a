using System.Net;
using System.Net.Http;
using System.Text.Json;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>
/// The isolation matrix: every root query, mutation and subscription of the schema, called by tenant A's admin (the
/// strongest credential a client has) with B's ids, finds nothing of B and changes nothing of B. A root field added to
/// the schema without a probe here fails the test: isolation is checked for the whole API, not for what we remembered.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IsolationMatrixShould(ApiFixture fixture)
{
    [Fact]
    public async Task Give_tenant_A_nothing_of_B_through_any_root_field()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var (apiA, cookiesA) = await SessionAsync(a);
        var (apiB, _) = await SessionAsync(b);
        using var disposeA = apiA;
        using var disposeB = apiB;

        // B's ids, as B sees them
        var (_, importB) = await apiB.GraphQLAsync("mutation($c: ID!) { startLeadImport(campaignId: $c) { leadImport { id } } }",
            new { c = CampaignId(b) });
        var theirs = Data(await apiB.GraphQLAsync("""
            { client { id } campaigns { nodes { id } } leads { nodes { id phone } } calls { nodes { id } } appointments { nodes { id } }
              invoices { nodes { id } } milestones { id } usageRecords { nodes { id } } suppressions { nodes { id phone } }
              partnerApps { id } users { id } messages { nodes { id } } }
            """));
        string First(string field, string prop = "id")
        {
            var e = theirs.GetProperty(field);
            var list = e.ValueKind == JsonValueKind.Array ? e : e.GetProperty("nodes");
            return list[0].GetProperty(prop).GetString()!;
        }
        var bIds = new Dictionary<string, string>
        {
            ["client"] = theirs.GetProperty("client").GetProperty("id").GetString()!,
            ["campaign"] = First("campaigns"), ["lead"] = First("leads"), ["call"] = First("calls"), ["appointment"] = First("appointments"),
            ["invoice"] = First("invoices"), ["milestone"] = First("milestones"), ["usage"] = First("usageRecords"),
            ["suppression"] = First("suppressions"), ["partnerApp"] = First("partnerApps"), ["user"] = First("users"),
            ["leadImport"] = importB.GetProperty("data").GetProperty("startLeadImport").GetProperty("leadImport").GetProperty("id").GetString()!,
        };
        var bLeadPhone = First("leads", "phone");
        var bSuppressedPhone = First("suppressions", "phone");
        // B's own wording of a kind, naming B: none of it may reach A
        await apiB.GraphQLAsync("mutation($b: String!) { updateMessageTemplate(kind: \"checkin\", channel: SMS, body: $b) { errors { code } } }",
            new { b = "Did you make it, {{first_name}}? " + b.Slug });
        var before = await FingerprintAsync(b);

        // what must never appear in an answer to A (beyond the id a probe itself sent)
        var secrets = bIds.Values.Concat([b.Slug, b.Name, b.AdminEmail, b.PartnerClientId]).ToList();
        async Task<JsonElement> Ask(string query, object? variables = null, params string[] sent)
        {
            var (status, body) = await apiA.GraphQLAsync(query, variables);
            Assert.True(status == HttpStatusCode.OK, $"{query}: {status} {body}");
            var text = body.ToString();
            foreach (var secret in secrets.Except(sent))
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{query} showed B's '{secret}': {text}");
            return body;
        }
        static string Code(JsonElement body, string field) =>
            body.GetProperty("data").GetProperty(field).GetProperty("errors")[0].GetProperty("code").GetString()!;
        static string ErrorCode(JsonElement body) =>
            body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString()!;
        static JsonElement Field(JsonElement body, string field) => body.GetProperty("data").GetProperty(field);

        var probes = new Dictionary<string, Func<Task>>
        {
            // ---- queries ----
            ["client"] = async () => Assert.Equal(a.Slug, Field(await Ask("{ client { slug } }"), "client").GetProperty("slug").GetString()),
            ["campaigns"] = async () => Assert.Equal(a.CampaignNames.Order(),
                Field(await Ask("{ campaigns { nodes { name } } }"), "campaigns").GetProperty("nodes").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order()),
            ["campaign"] = async () => Assert.Equal(JsonValueKind.Null, Field(await Ask("query($id: ID!) { campaign(id: $id) { id } }", new { id = bIds["campaign"] }, bIds["campaign"]), "campaign").ValueKind),
            ["leadImport"] = async () => Assert.Equal(JsonValueKind.Null, Field(await Ask("query($id: ID!) { leadImport(id: $id) { id } }", new { id = bIds["leadImport"] }, bIds["leadImport"]), "leadImport").ValueKind),
            ["lead"] = async () => Assert.Equal(JsonValueKind.Null, Field(await Ask("query($id: ID!) { lead(id: $id) { id } }", new { id = bIds["lead"] }, bIds["lead"]), "lead").ValueKind),
            ["leads"] = async () => Assert.Equal(0, Field(await Ask("query($c: ID!) { leads(filter: { campaignId: $c }) { totalCount } }", new { c = bIds["campaign"] }, bIds["campaign"]), "leads").GetProperty("totalCount").GetInt32()),
            ["calls"] = async () => Assert.Equal(0, Field(await Ask("query($l: ID!) { calls(filter: { leadId: $l }) { totalCount } }", new { l = bIds["lead"] }, bIds["lead"]), "calls").GetProperty("totalCount").GetInt32()),
            ["appointments"] = async () => await Ask("{ appointments(first: 100) { nodes { id lead { id } } } }"),
            ["messages"] = async () => Assert.Equal(0, Field(await Ask("query($l: ID!) { messages(filter: { leadId: $l }) { totalCount } }", new { l = bIds["lead"] }, bIds["lead"]), "messages").GetProperty("totalCount").GetInt32()),
            ["invoices"] = async () => await Ask("{ invoices(first: 100) { nodes { id milestone { id } } } }"),
            ["milestones"] = async () => await Ask("{ milestones { id invoice { id } } }"),
            ["usageRecords"] = async () => await Ask("{ usageRecords(first: 100) { nodes { id call { id lead { id } } } } }"),
            // (the tenants may suppress the same number: A sees its own row, never B's id)
            ["suppressions"] = async () => await Ask("query($s: String) { suppressions(first: 100, search: $s) { nodes { id phone } } }", new { s = bSuppressedPhone[^4..] }),
            ["kpis"] = async () =>
            {
                var k = Field(await Ask("query($c: ID) { kpis(campaignId: $c) { leads calls appointmentsBooked } }", new { c = bIds["campaign"] }, bIds["campaign"]), "kpis");
                Assert.Equal((0, 0, 0), (k.GetProperty("leads").GetInt32(), k.GetProperty("calls").GetInt32(), k.GetProperty("appointmentsBooked").GetInt32()));
            },
            ["billing"] = async () => await Ask("{ billing { currentPeriod { calls seconds } projectedInvoice { amount } unbilledCalls milestoneProgress { shown reached openPlaces } } }"),
            ["clients"] = async () => Assert.Equal("FORBIDDEN", ErrorCode(await Ask("{ clients { nodes { id } } }"))),
            ["webhookEvents"] = async () => Assert.Equal("FORBIDDEN", ErrorCode(await Ask("{ webhookEvents(state: FAILED) { id } }"))),
            ["me"] = async () => Assert.Equal(a.AdminEmail, Field(await Ask("{ me { email client { slug } } }"), "me").GetProperty("email").GetString()),
            ["users"] = async () => Assert.Contains(a.AdminEmail, Field(await Ask("{ users { email } }"), "users").ToString()),
            ["partnerApps"] = async () => Assert.Contains(a.PartnerClientId, Field(await Ask("{ partnerApps { id clientId } }"), "partnerApps").ToString()),
            ["node"] = async () =>
            {
                foreach (var id in bIds.Values)
                    Assert.Equal(JsonValueKind.Null, Field(await Ask("query($id: ID!) { node(id: $id) { id } }", new { id }, id), "node").ValueKind);
            },
            // ---- mutations ----
            ["startLeadImport"] = async () => Assert.Equal("NOT_FOUND", Code(await Ask("mutation($c: ID!) { startLeadImport(campaignId: $c) { errors { code } } }", new { c = bIds["campaign"] }, bIds["campaign"]), "startLeadImport")),
            ["createCampaign"] = async () => await Ask("mutation { createCampaign(input: { name: \"Matrix\" }) { campaign { id } errors { code } } }"),
            ["updateCampaign"] = async () => Assert.Equal("NOT_FOUND", Code(await Ask("mutation($id: ID!) { updateCampaign(input: { id: $id, name: \"Mallory\" }) { errors { code } } }", new { id = bIds["campaign"] }, bIds["campaign"]), "updateCampaign")),
            ["setCampaignStatus"] = async () => Assert.Equal("NOT_FOUND", Code(await Ask("mutation($id: ID!) { setCampaignStatus(id: $id, status: ARCHIVED) { errors { code } } }", new { id = bIds["campaign"] }, bIds["campaign"]), "setCampaignStatus")),
            ["suppressNumber"] = async () => await Ask("mutation($p: String!) { suppressNumber(phone: $p) { suppression { id } errors { code } } }", new { p = bSuppressedPhone }),
            ["unsuppressNumber"] = async () => await Ask("mutation($p: String!) { unsuppressNumber(phone: $p) { errors { code } } }", new { p = bSuppressedPhone }),
            ["upsertLead"] = async () =>
            {
                Assert.Equal("NOT_FOUND", Code(await Ask("mutation($id: ID!) { upsertLead(input: { id: $id, firstName: \"Mallory\" }) { errors { code } } }", new { id = bIds["lead"] }, bIds["lead"]), "upsertLead"));
                Assert.Equal("NOT_FOUND", Code(await Ask("mutation($c: ID!, $p: String!) { upsertLead(input: { campaignId: $c, phone: $p, firstName: \"Mallory\" }) { errors { code } } }", new { c = bIds["campaign"], p = bLeadPhone }, bIds["campaign"]), "upsertLead"));
            },
            ["verifyAppointment"] = async () => Assert.Equal("NOT_FOUND", Code(await Ask("mutation($id: ID!) { verifyAppointment(id: $id, showed: true) { errors { code } } }", new { id = bIds["appointment"] }, bIds["appointment"]), "verifyAppointment")),
            ["sendMessage"] = async () => Assert.Equal("NOT_FOUND", Code(await Ask("mutation($l: ID!) { sendMessage(input: { leadId: $l, channel: SMS, body: \"hi\" }) { errors { code } } }", new { l = bIds["lead"] }, bIds["lead"]), "sendMessage")),
            ["messageTemplates"] = async () => Assert.DoesNotContain(Field(await Ask("{ messageTemplates { kind channel body custom } }"), "messageTemplates").EnumerateArray(),
                t => t.GetProperty("kind").GetString() == "checkin" && t.GetProperty("custom").GetBoolean()),
            ["messagePlaceholders"] = async () => await Ask("{ messagePlaceholders { name } }"),
            ["previewMessageTemplate"] = async () => Assert.Contains(a.Name, Field(await Ask("{ previewMessageTemplate(kind: \"checkin\", channel: SMS) { preview { body } } }"),
                "previewMessageTemplate").GetProperty("preview").GetProperty("body").GetString()),
            ["updateMessageTemplate"] = async () => await Ask("mutation { updateMessageTemplate(kind: \"checkin\", channel: SMS, body: \"Matrix {{first_name}}\") { errors { code } } }"),
            ["resetMessageTemplate"] = async () => await Ask("mutation { resetMessageTemplate(kind: \"checkin\", channel: SMS) { errors { code } } }"),
            ["setMessageKindEnabled"] = async () => await Ask("mutation { setMessageKindEnabled(kind: \"checkin\", enabled: false) { errors { code } } }"),
            ["createPartnerApp"] = async () => Assert.StartsWith(a.Slug, Field(await Ask("mutation { createPartnerApp(name: \"Matrix\") { partnerApp { clientId } } }"), "createPartnerApp").GetProperty("partnerApp").GetProperty("clientId").GetString()),
            ["revokePartnerApp"] = async () => Assert.Equal("NOT_FOUND", Code(await Ask("mutation($id: ID!) { revokePartnerApp(id: $id) { errors { code } } }", new { id = bIds["partnerApp"] }, bIds["partnerApp"]), "revokePartnerApp")),
            ["setProviderSecrets"] = async () => await Ask("mutation { setProviderSecrets(input: { retell: \"matrix-secret-value\" }) { errors { code } } }"),
            ["createClient"] = async () => Assert.Equal("FORBIDDEN", ErrorCode(await Ask("mutation { createClient(input: { slug: \"matrix-new\", name: \"Matrix\" }) { errors { code } } }"))),
            ["replayWebhookEvents"] = async () => Assert.Equal("FORBIDDEN", ErrorCode(await Ask("mutation($id: ID!) { replayWebhookEvents(ids: [$id]) }", new { id = bIds["client"] }, bIds["client"]))),
            ["setClientStatus"] = async () => Assert.Equal("FORBIDDEN", ErrorCode(await Ask("mutation($id: ID!) { setClientStatus(id: $id, status: SUSPENDED) { errors { code } } }", new { id = bIds["client"] }, bIds["client"]))),
            // the agency's invoice actions: refused to a client admin, with B's invoice as with any
            ["voidInvoice"] = async () => Assert.Equal("FORBIDDEN", ErrorCode(await Ask("mutation($id: ID!) { voidInvoice(id: $id, reason: \"Matrix\") { errors { code } } }", new { id = bIds["invoice"] }, bIds["invoice"]))),
            ["creditInvoice"] = async () => Assert.Equal("FORBIDDEN", ErrorCode(await Ask("mutation($id: ID!) { creditInvoice(id: $id, amount: \"1.00\", reason: \"Matrix\") { errors { code } } }", new { id = bIds["invoice"] }, bIds["invoice"]))),
            ["retryInvoice"] = async () => Assert.Equal("FORBIDDEN", ErrorCode(await Ask("mutation($id: ID!) { retryInvoice(id: $id) { errors { code } } }", new { id = bIds["invoice"] }, bIds["invoice"]))),
            // ---- subscriptions (over the socket, with A's portal session) ----
            ["kpisUpdated"] = async () =>
            {
                await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug, cookies: cookiesA);
                await ws.SendAsync(new { type = "connection_init" });
                Assert.Equal("connection_ack", (await ws.NextAsync()).GetProperty("type").GetString());
                await ws.SubscribeAsync("k", "subscription($c: ID) { kpisUpdated(campaignId: $c) { leads calls } }", new { c = bIds["campaign"] });
                var next = await ws.NextAsync();
                Assert.Equal(0, next.GetProperty("payload").GetProperty("data").GetProperty("kpisUpdated").GetProperty("leads").GetInt32());
            },
            ["leadImportProgress"] = async () =>
            {
                await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug, cookies: cookiesA);
                await ws.SendAsync(new { type = "connection_init" });
                Assert.Equal("connection_ack", (await ws.NextAsync()).GetProperty("type").GetString());
                await ws.SubscribeAsync("i", "subscription($id: ID!) { leadImportProgress(id: $id) { id status } }", new { id = bIds["leadImport"] });
                var refused = (await ws.NextAsync()).ToString();
                Assert.Contains("NOT_FOUND", refused);
                Assert.DoesNotContain("AWAITING_UPLOAD", refused);
            },
        };

        // every root field of the schema has its probe
        var schema = Data(await apiA.GraphQLAsync("{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }")).GetProperty("__schema");
        var roots = new[] { "queryType", "mutationType", "subscriptionType" }
            .SelectMany(t => schema.GetProperty(t).GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()!)).ToList();
        Assert.True(roots.All(probes.ContainsKey), "root fields without an isolation probe: " + string.Join(", ", roots.Where(r => !probes.ContainsKey(r))));

        foreach (var (field, probe) in probes)
        {
            try { await probe(); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"probe '{field}': {e.Message}"); }
        }
        Assert.Equal(before, await FingerprintAsync(b));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{b.Id}' AND name = 'Matrix'"));
    }

    private static string CampaignId(TestTenant t) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"Campaign:{t.CampaignIds[0]:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static JsonElement Data((HttpStatusCode Status, JsonElement Body) answer)
    {
        Assert.True(answer.Status == HttpStatusCode.OK && !answer.Body.TryGetProperty("errors", out _), answer.Body.ToString());
        return answer.Body.GetProperty("data");
    }

    /// <summary>The tenant's client admin signed in on the portal: an API client carrying that session, and its cookies.</summary>
    private async Task<(HttpClient Api, CookieContainer Cookies)> SessionAsync(TestTenant t)
    {
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(t.Slug, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(t.AdminEmail, t.Password)).StatusCode);
        return (fixture.Api.CreateClient(t.Slug, cookies), cookies);
    }

    /// <summary>A hash of every row of B's (and B's client row and applications): any change to B changes it.</summary>
    private Task<long> FingerprintAsync(TestTenant b) => fixture.FingerprintAsync(b.Id, "events");
}
