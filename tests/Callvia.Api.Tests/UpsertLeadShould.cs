using System.Net;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Tenancy;
using Callvia.Testing;
using StackExchange.Redis;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class UpsertLeadShould(ApiFixture fixture)
{
    private const string Upsert = """
        mutation($input: UpsertLeadInput!) { upsertLead(input: $input) {
          created lead { id phone firstName lastName email timeZone status campaign { id } } errors { field message code } } }
        """;

    private static async Task<JsonElement> UpsertAsync(HttpClient api, string token, object input)
    {
        var (status, body) = await api.GraphQLAsync(Upsert, new { input }, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data").GetProperty("upsertLead");
    }

    private static string[] Fields(JsonElement payload) =>
        payload.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).Order().ToArray();

    /// <summary>The trigger-kept campaign_lead_counts agree with counting the leads themselves, status by status.</summary>
    private async Task AssertCountsAreRight(Guid campaignId)
    {
        Assert.Equal(0, await fixture.CountAsync($"""
            SELECT count(*) FROM (SELECT status, count(*) AS n FROM leads WHERE campaign_id = '{campaignId}' GROUP BY status) l
            FULL JOIN (SELECT status, count FROM campaign_lead_counts WHERE campaign_id = '{campaignId}' AND count <> 0) c USING (status)
            WHERE l.n IS DISTINCT FROM c.count
            """));
    }

    [Fact]
    public async Task Record_consent_and_refuse_an_impossible_one_without_writing()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var campaign = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[0]);
        const string WithConsent = """
            mutation($input: UpsertLeadInput!) { upsertLead(input: $input) { lead { id consentAt consentSource dialAt } errors { field message } } }
            """;
        async Task<JsonElement> Send(object input)
        {
            var (status, body) = await api.GraphQLAsync(WithConsent, new { input }, token);
            Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
            return body.GetProperty("data").GetProperty("upsertLead");
        }

        var added = await Send(new { campaignId = campaign, phone = "+12125550178", consentAt = "2026-11-30T14:05:00-05:00", consentSource = "web form" });
        var lead = added.GetProperty("lead");
        Assert.Equal("2026-11-30T19:05:00Z|web form", $"{lead.GetProperty("consentAt").GetString()}|{lead.GetProperty("consentSource").GetString()}");
        Assert.NotEqual(JsonValueKind.Null, lead.GetProperty("dialAt").ValueKind); // a new lead is due for the dialer
        var id = lead.GetProperty("id").GetString()!;

        var future = await Send(new { id, consentAt = DateTimeOffset.UtcNow.AddDays(2).ToString("O") });
        Assert.Equal("consentAt", Assert.Single(future.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
        var orphan = await Send(new { campaignId = campaign, phone = "+12125550179", consentSource = "web form" });
        Assert.Equal("consentSource", Assert.Single(orphan.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM leads WHERE phone_e164 = '+12125550179'"));
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM leads WHERE phone_e164 = '+12125550178' AND consent_at = '2026-11-30T19:05:00Z'"));
    }

    [Fact]
    public async Task Keep_custom_fields_merged_by_name_and_refuse_bad_ones_without_writing()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var campaign = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[0]);
        const string WithFields = """
            mutation($input: UpsertLeadInput!) { upsertLead(input: $input) { lead { id customFields { name value } } errors { field message } } }
            """;
        async Task<JsonElement> Send(object input)
        {
            var (status, body) = await api.GraphQLAsync(WithFields, new { input }, token);
            Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
            return body.GetProperty("data").GetProperty("upsertLead");
        }
        static string Shown(JsonElement payload) => string.Join(", ", payload.GetProperty("lead").GetProperty("customFields").EnumerateArray()
            .Select(f => $"{f.GetProperty("name").GetString()}={f.GetProperty("value").GetString()}"));

        var added = await Send(new { campaignId = campaign, phone = "+12125550177", customFields = new[] { new { name = " Plan ", value = "Gold" }, new { name = "car", value = "Volvo" } } });
        Assert.Equal("car=Volvo, Plan=Gold", Shown(added));
        var id = added.GetProperty("lead").GetProperty("id").GetString()!;
        var leadId = GlobalId.Decode(id, LeadGraphType.TypeName);

        // by name, whatever the case: a value replaces, "" removes, a new name adds, a field not named stays
        var changed = await Send(new { id, customFields = new[] { new { name = "PLAN", value = "Platinum" }, new { name = "Car", value = "" }, new { name = "pets", value = "2" } } });
        Assert.Equal("pets=2, PLAN=Platinum", Shown(changed));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE id = '{leadId}' AND custom_fields = '{{\"PLAN\": \"Platinum\", \"pets\": \"2\"}}'::jsonb"));
        // no customFields: untouched
        Assert.Equal("pets=2, PLAN=Platinum", Shown(await Send(new { id, firstName = "Grace" })));

        // a lead field's name, a name given twice, a value or name too long, too many fields: field errors, nothing written
        var before = await fixture.CountAsync($"SELECT count(*) FROM leads WHERE id = '{leadId}' AND first_name = 'Grace' AND custom_fields ? 'PLAN' AND NOT custom_fields ? 'x'");
        Assert.Equal(1, before);
        foreach (var bad in new object[]
        {
            new[] { new { name = "E-mail", value = "a@b.co" } },
            new[] { new { name = "x", value = "1" }, new { name = "X", value = "2" } },
            new[] { new { name = "x", value = new string('v', 1001) } },
            new[] { new { name = new string('n', 65), value = "1" } },
            new[] { new { name = "  ", value = "1" } },
            Enumerable.Range(0, 49).Select(i => new { name = $"f{i}", value = "1" }).ToArray(), // 2 kept + 49 = 51
        })
        {
            var refused = await Send(new { id, firstName = "Mallory", customFields = bad });
            Assert.Equal(JsonValueKind.Null, refused.GetProperty("lead").ValueKind);
            Assert.Equal("customFields", refused.GetProperty("errors")[0].GetProperty("field").GetString());
        }
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE id = '{leadId}' AND first_name = 'Grace' AND custom_fields ? 'PLAN' AND NOT custom_fields ? 'x' AND NOT custom_fields ? 'f0'"));
    }

    [Fact]
    public async Task Add_a_lead_then_change_it_by_campaign_and_number_and_by_id()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var campaign = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[1]);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Servers.Redis);
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.GetSubscriber().SubscribeAsync(KpiNotifier.Channel(tenant.Id), (_, m) => notified.TrySetResult(m!));

        var added = await UpsertAsync(api, token!, new { campaignId = campaign, phone = "(212) 555-0142", firstName = " Ada ", email = "Ada@Example.COM" });

        Assert.Empty(added.GetProperty("errors").EnumerateArray());
        Assert.True(added.GetProperty("created").GetBoolean());
        var lead = added.GetProperty("lead");
        Assert.Equal("+12125550142", lead.GetProperty("phone").GetString());
        Assert.Equal("Ada", lead.GetProperty("firstName").GetString());
        Assert.Equal("ada@example.com", lead.GetProperty("email").GetString());
        Assert.Equal("America/New_York", lead.GetProperty("timeZone").GetString()); // from the number, as the import does
        Assert.Equal("NEW", lead.GetProperty("status").GetString());
        Assert.Equal(campaign, lead.GetProperty("campaign").GetProperty("id").GetString());
        var id = lead.GetProperty("id").GetString()!;
        var leadId = GlobalId.Decode(id, LeadGraphType.TypeName);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE id = '{leadId}' AND client_id = '{tenant.Id}' AND phone_raw = '(212) 555-0142'"));
        Assert.Contains("leads:upsert", await notified.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await AssertCountsAreRight(tenant.CampaignIds[1]);

        // the same number in another format is the same lead: changed, not added; fields not given stay
        var again = await UpsertAsync(api, token!, new { campaignId = campaign, phone = "+1 212-555-0142", lastName = "Lovelace", timeZone = "Europe/London" });
        Assert.False(again.GetProperty("created").GetBoolean());
        Assert.Equal(id, again.GetProperty("lead").GetProperty("id").GetString());
        Assert.Equal("Ada", again.GetProperty("lead").GetProperty("firstName").GetString());
        Assert.Equal("Lovelace", again.GetProperty("lead").GetProperty("lastName").GetString());
        Assert.Equal("Europe/London", again.GetProperty("lead").GetProperty("timeZone").GetString());

        // by id: a new number, an address cleared with ""
        var moved = await UpsertAsync(api, token!, new { id, phone = "312 555 0177", email = "" });
        Assert.Empty(moved.GetProperty("errors").EnumerateArray());
        Assert.Equal("+13125550177", moved.GetProperty("lead").GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.Null, moved.GetProperty("lead").GetProperty("email").ValueKind);
        Assert.Equal("Europe/London", moved.GetProperty("lead").GetProperty("timeZone").GetString()); // a zone given stays
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE client_id = '{tenant.Id}' AND campaign_id = '{tenant.CampaignIds[1]}'"));

        // a status change made elsewhere (a call) and another lead: the trigger-kept statistics follow every write
        await fixture.CountAsync($"WITH x AS (UPDATE leads SET status = 'contacted' WHERE id = '{leadId}' RETURNING 1) SELECT count(*) FROM x");
        await UpsertAsync(api, token!, new { id, firstName = "Augusta" });
        await UpsertAsync(api, token!, new { campaignId = campaign, phone = "+1 718 555 0123" });
        await AssertCountsAreRight(tenant.CampaignIds[1]);
        var (_, stats) = await api.GraphQLAsync("query($c: ID!) { campaign(id: $c) { stats { total new contacted } } }", new { c = campaign }, token);
        var s = stats.GetProperty("data").GetProperty("campaign").GetProperty("stats");
        Assert.Equal((2, 1, 1), (s.GetProperty("total").GetInt32(), s.GetProperty("new").GetInt32(), s.GetProperty("contacted").GetInt32()));
    }

    [Fact]
    public async Task Return_field_errors_for_bad_input_and_write_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var campaign = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[1]);
        var existing = await fixture.CreateLeadAsync(tenant, "+12125550101");
        var other = await fixture.CreateLeadAsync(tenant, "+12125550102");
        await fixture.CountAsync($"WITH x AS (UPDATE campaigns SET status = 'archived' WHERE id = '{tenant.CampaignIds[0]}' RETURNING 1) SELECT count(*) FROM x");
        var leadsBefore = await fixture.CountAsync($"SELECT count(*) FROM leads WHERE client_id = '{tenant.Id}'");
        var snapshot = $"SELECT count(*) FROM leads WHERE id = '{existing}' AND phone_e164 = '+12125550101' AND first_name = 'Dana' AND email IS NULL";

        var bad = await UpsertAsync(api, token!, new { campaignId = campaign, phone = "12345", email = "not-an-address", timeZone = "Mars/Olympus", firstName = new string('x', 101) });
        Assert.Equal(["email", "firstName", "phone", "timeZone"], Fields(bad));
        Assert.All(bad.GetProperty("errors").EnumerateArray(), e => Assert.Equal("VALIDATION", e.GetProperty("code").GetString()));
        Assert.Equal(JsonValueKind.Null, bad.GetProperty("lead").ValueKind);
        Assert.Contains("region US", bad.GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("field").GetString() == "phone").GetProperty("message").GetString());

        Assert.Equal(["campaignId", "phone"], Fields(await UpsertAsync(api, token!, new { firstName = "Nobody" })));
        // the client's manual suppression (TestData) and an archived campaign
        var suppressed = await UpsertAsync(api, token!, new { campaignId = campaign, phone = "(202) 555-0199" });
        Assert.Equal(["phone"], Fields(suppressed));
        Assert.Contains("do-not-contact", suppressed.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(["campaignId"], Fields(await UpsertAsync(api, token!, new { campaignId = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[0]), phone = "+12125550150" })));
        // by id: another campaign, a number another lead has, a bad address, no number at all
        var existingId = GlobalId.Encode(LeadGraphType.TypeName, existing);
        Assert.Equal(["campaignId"], Fields(await UpsertAsync(api, token!, new { id = existingId, campaignId = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[0]) })));
        Assert.Equal(["phone"], Fields(await UpsertAsync(api, token!, new { id = existingId, phone = "+12125550102", firstName = "Changed" })));
        Assert.Equal(["email"], Fields(await UpsertAsync(api, token!, new { id = existingId, firstName = "Changed", email = "a@b" })));
        Assert.Equal(["phone"], Fields(await UpsertAsync(api, token!, new { id = existingId, phone = " " })));
        var notALead = await UpsertAsync(api, token!, new { id = campaign, firstName = "x" });
        Assert.Equal(("id", "NOT_FOUND"), (notALead.GetProperty("errors")[0].GetProperty("field").GetString(), notALead.GetProperty("errors")[0].GetProperty("code").GetString()));

        Assert.Equal(leadsBefore, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE client_id = '{tenant.Id}'"));
        Assert.Equal(1, await fixture.CountAsync(snapshot));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE id = '{other}' AND first_name = 'Dana'"));
        await AssertCountsAreRight(tenant.CampaignIds[1]);
    }

    [Fact]
    public async Task Never_reach_another_tenants_campaign_or_lead_and_refuse_anonymous_callers()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var bLead = await fixture.CreateLeadAsync(b, "+12125550103");
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        var bCampaign = GlobalId.Encode(CampaignGraphType.TypeName, b.CampaignIds[1]);
        var bLeadsBefore = await fixture.CountAsync($"SELECT count(*) FROM leads WHERE client_id = '{b.Id}'");

        var byCampaign = await UpsertAsync(api, token!, new { campaignId = bCampaign, phone = "+12125550104" });
        var byLead = await UpsertAsync(api, token!, new { id = GlobalId.Encode(LeadGraphType.TypeName, bLead), firstName = "Mallory" });
        // B's number in B's campaign, but with A's credentials: still A's world
        var byNumber = await UpsertAsync(api, token!, new { campaignId = bCampaign, phone = "+12125550103", firstName = "Mallory" });

        Assert.Equal(("campaignId", "NOT_FOUND"), (byCampaign.GetProperty("errors")[0].GetProperty("field").GetString(), byCampaign.GetProperty("errors")[0].GetProperty("code").GetString()));
        Assert.Equal(("id", "NOT_FOUND"), (byLead.GetProperty("errors")[0].GetProperty("field").GetString(), byLead.GetProperty("errors")[0].GetProperty("code").GetString()));
        Assert.Equal("NOT_FOUND", byNumber.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(bLeadsBefore, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE client_id = '{b.Id}'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE first_name = 'Mallory'"));

        var (anonymous, _) = await api.GraphQLAsync(Upsert, new { input = new { campaignId = GlobalId.Encode(CampaignGraphType.TypeName, a.CampaignIds[1]), phone = "+12125550105" } });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var (onB, _) = await apiB.GraphQLAsync(Upsert, new { input = new { campaignId = bCampaign, phone = "+12125550105" } }, token);
        Assert.Equal(HttpStatusCode.Unauthorized, onB);
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM leads WHERE phone_e164 IN ('+12125550104', '+12125550105')"));
    }
}
