using System.Net;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class CampaignMutationsShould(ApiFixture fixture)
{
    private const string Create = "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id name status } errors { field message code } } }";
    private const string Update = "mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { id name description } errors { field message code } } }";
    private const string SetStatus = "mutation($id: ID!, $status: CampaignStatus!) { setCampaignStatus(id: $id, status: $status) { campaign { status } errors { field code } } }";

    private static async Task<JsonElement> RunAsync(HttpClient api, string token, string query, object variables, string field)
    {
        var (status, body) = await api.GraphQLAsync(query, variables, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data").GetProperty(field);
    }

    [Fact]
    public async Task Show_the_dialer_state_of_a_campaign_and_the_attempts_of_its_leads()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        Assert.NotNull(token);
        const string Query = """
            query($id: ID!) { campaign(id: $id) { dialer { state calling inProgress dueNow waitingForWindow waitingForRetry setAside nextWindowAt } }
              leads(first: 5, filter: { campaignId: $id }) { nodes { dialerNote dialAttempts { number state callId } } } }
            """;
        var id = Callvia.Api.GraphQL.GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[0]);
        var (status, body) = await api.GraphQLAsync(Query, new { id }, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        var dialer = body.GetProperty("data").GetProperty("campaign").GetProperty("dialer");
        // the seeded campaign is active but has no from-number; its one lead is due, its one (ended) attempt listed
        Assert.Equal("No from-number: set one to start calling.|False|0|1|0|0|0",
            $"{dialer.GetProperty("state").GetString()}|{dialer.GetProperty("calling").GetBoolean()}|{dialer.GetProperty("inProgress").GetInt32()}|{dialer.GetProperty("dueNow").GetInt32()}|{dialer.GetProperty("waitingForWindow").GetInt32()}|{dialer.GetProperty("waitingForRetry").GetInt32()}|{dialer.GetProperty("setAside").GetInt64()}");
        var attempt = Assert.Single(body.GetProperty("data").GetProperty("leads").GetProperty("nodes")[0].GetProperty("dialAttempts").EnumerateArray());
        Assert.Equal($"1|ENDED|call_{tenant.Slug}", $"{attempt.GetProperty("number").GetInt32()}|{attempt.GetProperty("state").GetString()}|{attempt.GetProperty("callId").GetString()}");

        await fixture.ExecuteAsync($"UPDATE campaigns SET status = 'paused' WHERE id = '{tenant.CampaignIds[0]}'");
        Assert.Equal("Paused: no new calls.", (await RunAsync(api, token, Query, new { id }, "campaign")).GetProperty("dialer").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Create_update_start_pause_and_archive_a_campaign()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);

        var created = await RunAsync(api, token!, Create, new { input = new { name = "  Winter recall ", callWindowStart = "09:00", callWindowEnd = "18:30", maxAttempts = 4 } }, "createCampaign");
        Assert.Empty(created.GetProperty("errors").EnumerateArray());
        Assert.Equal("Winter recall", created.GetProperty("campaign").GetProperty("name").GetString());
        Assert.Equal("DRAFT", created.GetProperty("campaign").GetProperty("status").GetString());
        var id = created.GetProperty("campaign").GetProperty("id").GetString()!;
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE id = '{GlobalId.Decode(id, CampaignGraphType.TypeName)}' AND client_id = '{tenant.Id}' AND max_attempts = 4 AND call_window_end = '18:30'"));

        var updated = await RunAsync(api, token!, Update, new { input = new { id, description = "Patients not seen in a year" } }, "updateCampaign");
        Assert.Equal("Winter recall", updated.GetProperty("campaign").GetProperty("name").GetString());
        Assert.Equal("Patients not seen in a year", updated.GetProperty("campaign").GetProperty("description").GetString());

        async Task<(string? Status, string? Error)> Move(string status)
        {
            var r = await RunAsync(api, token!, SetStatus, new { id, status }, "setCampaignStatus");
            return (r.GetProperty("campaign").ValueKind == JsonValueKind.Null ? null : r.GetProperty("campaign").GetProperty("status").GetString(),
                r.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).FirstOrDefault());
        }
        Assert.Equal(("ACTIVE", null), await Move("ACTIVE"));
        Assert.Equal((null, "status"), await Move("DRAFT"));
        Assert.Equal(("PAUSED", null), await Move("PAUSED"));
        Assert.Equal(("ACTIVE", null), await Move("ACTIVE"));
        Assert.Equal(("ARCHIVED", null), await Move("ARCHIVED"));
        Assert.Equal((null, "status"), await Move("ACTIVE"));
        var frozen = await RunAsync(api, token!, Update, new { input = new { id, name = "Renamed" } }, "updateCampaign");
        Assert.Equal("id", frozen.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Return_field_errors_for_bad_input_and_change_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var before = await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{tenant.Id}'");

        var r = await RunAsync(api, token!, Create, new { input = new { name = "x", callWindowStart = "20:00", callWindowEnd = "08:00", maxConcurrentCalls = 0, fromNumber = "not a number" } }, "createCampaign");
        Assert.Equal(JsonValueKind.Null, r.GetProperty("campaign").ValueKind);
        Assert.Equal(new string?[] { "callWindowEnd", "fromNumber", "maxConcurrentCalls" }, r.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Order().ToArray());
        Assert.All(r.GetProperty("errors").EnumerateArray(), e => Assert.Equal("VALIDATION", e.GetProperty("code").GetString()));
        var blank = await RunAsync(api, token!, Create, new { input = new { name = "  " } }, "createCampaign");
        Assert.Equal("name", blank.GetProperty("errors")[0].GetProperty("field").GetString());
        var badTime = await RunAsync(api, token!, Create, new { input = new { name = "ok", callWindowStart = "9am" } }, "createCampaign");
        Assert.Equal("callWindowStart", badTime.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(before, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{tenant.Id}'"));
    }

    private const string CreateDialer = """
        mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
          campaign { id callWindowStart callWindowEnd callDays maxConcurrentCalls maxAttempts retryLadderMinutes requiresConsent } errors { field message code } } }
        """;

    [Fact]
    public async Task Set_the_dialers_days_retry_ladder_and_consent_rule_and_refuse_impossible_ones()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);

        // the defaults: Monday to Saturday, 1 h / 4 h / a day, consent required
        var plain = (await RunAsync(api, token!, CreateDialer, new { input = new { name = "Defaults" } }, "createCampaign")).GetProperty("campaign");
        Assert.Equal(["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"], plain.GetProperty("callDays").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal([60, 240, 1440], plain.GetProperty("retryLadderMinutes").EnumerateArray().Select(m => m.GetInt32()).ToArray());
        Assert.True(plain.GetProperty("requiresConsent").GetBoolean());

        var set = (await RunAsync(api, token!, CreateDialer, new { input = new { name = "Weekdays", callDays = new[] { "MONDAY", "WEDNESDAY" },
            retryLadderMinutes = new[] { 30, 120 }, requiresConsent = false } }, "createCampaign")).GetProperty("campaign");
        Assert.Equal(["MONDAY", "WEDNESDAY"], set.GetProperty("callDays").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{tenant.Id}' AND name = 'Weekdays' AND call_days = {(1 << 1) | (1 << 3)} AND retry_ladder_minutes = '{{30,120}}' AND NOT requires_consent"));
        // the deprecated single delay is a one-step ladder
        var single = (await RunAsync(api, token!, CreateDialer, new { input = new { name = "Single", retryDelayMinutes = 90 } }, "createCampaign")).GetProperty("campaign");
        Assert.Equal([90], single.GetProperty("retryLadderMinutes").EnumerateArray().Select(m => m.GetInt32()).ToArray());

        var before = await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{tenant.Id}'");
        foreach (var (input, field) in new (object, string)[]
                 {
                     (new { name = "No days", callDays = Array.Empty<string>() }, "callDays"),
                     (new { name = "Too quick", retryLadderMinutes = new[] { 1 } }, "retryLadderMinutes"),
                     (new { name = "No steps", retryLadderMinutes = Array.Empty<int>() }, "retryLadderMinutes"),
                     (new { name = "Too many", retryLadderMinutes = Enumerable.Repeat(60, 11).ToArray() }, "retryLadderMinutes"),
                 })
        {
            var r = await RunAsync(api, token!, CreateDialer, new { input }, "createCampaign");
            Assert.Equal(JsonValueKind.Null, r.GetProperty("campaign").ValueKind);
            Assert.Equal(field, r.GetProperty("errors")[0].GetProperty("field").GetString());
        }
        Assert.Equal(before, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{tenant.Id}'"));
    }

    [Fact]
    public async Task Never_touch_another_tenants_campaign_and_refuse_anonymous_callers()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        var bCampaign = GlobalId.Encode(CampaignGraphType.TypeName, b.CampaignIds[0]);

        var status = await RunAsync(api, token!, SetStatus, new { id = bCampaign, status = "ARCHIVED" }, "setCampaignStatus");
        var update = await RunAsync(api, token!, Update, new { input = new { id = bCampaign, name = "mine now" } }, "updateCampaign");

        Assert.Equal("NOT_FOUND", status.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", update.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE id = '{b.CampaignIds[0]}' AND status = 'active' AND name <> 'mine now'"));
        var (anonymous, _) = await api.GraphQLAsync(Create, new { input = new { name = "sneaky" } });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
    }
}
