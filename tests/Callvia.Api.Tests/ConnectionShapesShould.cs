using System.Net;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>The target shape: campaigns as a connection (oldest first), calls/appointments with a filter input (flat arguments deprecated).</summary>
[Collection(ApiCollection.Name)]
public sealed class ConnectionShapesShould(ApiFixture fixture)
{
    private static async Task<JsonElement> DataAsync(HttpClient api, string? token, string query, object? variables = null)
    {
        var (status, body) = await api.GraphQLAsync(query, variables, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data");
    }

    [Fact]
    public async Task Page_campaigns_oldest_first_and_filter_them_by_status()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.CreateTenantAsync(); // another tenant's campaigns must not show
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var created = await DataAsync(api, token, "mutation { createCampaign(input: { name: \"Third\" }) { campaign { id } } }");
        var third = created.GetProperty("createCampaign").GetProperty("campaign").GetProperty("id").GetString();

        const string page = "query($after: String, $status: CampaignStatus) { campaigns(first: 2, after: $after, status: $status) { totalCount pageInfo { hasNextPage endCursor } nodes { id name status stats { total } } } }";
        var first = (await DataAsync(api, token, page)).GetProperty("campaigns");
        var second = (await DataAsync(api, token, page, new { after = first.GetProperty("pageInfo").GetProperty("endCursor").GetString() })).GetProperty("campaigns");

        Assert.Equal(3, first.GetProperty("totalCount").GetInt32());
        Assert.True(first.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(second.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        var names = first.GetProperty("nodes").EnumerateArray().Concat(second.GetProperty("nodes").EnumerateArray()).Select(n => n.GetProperty("name").GetString()).ToArray();
        Assert.Equal(3, names.Length);
        Assert.Equal("Third", names[2]); // the newest last
        Assert.Equal(third, second.GetProperty("nodes")[0].GetProperty("id").GetString());
        Assert.Equal(1, first.GetProperty("nodes").EnumerateArray().Sum(n => n.GetProperty("stats").GetProperty("total").GetInt32())); // TestData's lead
        var drafts = (await DataAsync(api, token, page, new { status = "DRAFT" })).GetProperty("campaigns");
        Assert.Equal(new string?[] { third }, drafts.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToArray());
    }

    [Fact]
    public async Task Filter_calls_and_appointments_through_the_filter_input_as_through_the_deprecated_arguments()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var leadId = await fixture.CreateLeadAsync(tenant, "+12025550177");
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            db.CallLogs.Add(new CallLog { LeadId = leadId, ProviderCallId = $"cf-{Guid.NewGuid():N}", Status = CallStatus.Error });
            db.CallLogs.Add(new CallLog { LeadId = leadId, ProviderCallId = $"cf-{Guid.NewGuid():N}", Status = CallStatus.Ended });
            return await db.SaveChangesAsync();
        });
        var lead = GlobalId.Encode(LeadGraphType.TypeName, leadId);

        int Count(JsonElement data, string field) => data.GetProperty(field).GetProperty("totalCount").GetInt32();
        var viaFilter = await DataAsync(api, token, "query($f: CallFilter) { calls(filter: $f) { totalCount } }", new { f = new { leadId = lead, status = "ERROR" } });
        var viaFlat = await DataAsync(api, token, "query($l: ID) { calls(leadId: $l, status: ERROR) { totalCount } }", new { l = lead });
        var all = await DataAsync(api, token, "query($f: CallFilter) { calls(filter: $f) { totalCount } }", new { f = new { leadId = lead } });
        Assert.Equal((1, 1, 2), (Count(viaFilter, "calls"), Count(viaFlat, "calls"), Count(all, "calls")));
        var appointments = await DataAsync(api, token, "{ appointments(filter: { from: \"2000-01-01T00:00:00Z\", status: BOOKED }) { totalCount } }");
        Assert.Equal(1, Count(appointments, "appointments")); // TestData's booking

        foreach (var bad in new[]
                 {
                     "query($l: ID) { calls(leadId: $l, filter: { status: ERROR }) { totalCount } }",           // both ways at once
                     "{ calls(filter: { leadId: \"nope\" }) { totalCount } }",                                   // not a lead id
                     "{ appointments(filter: { from: \"2026-02-01T00:00:00Z\", to: \"2026-01-01T00:00:00Z\" }) { totalCount } }", // inverted
                 })
        {
            var (status, body) = await api.GraphQLAsync(bad, new { l = lead }, token);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("VALIDATION", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }

        // the flat arguments say they are deprecated
        var schema = await DataAsync(api, token, "{ __type(name: \"Query\") { fields { name args(includeDeprecated: true) { name isDeprecated } } } }");
        var calls = schema.GetProperty("__type").GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "calls");
        var deprecated = calls.GetProperty("args").EnumerateArray().Where(a => a.GetProperty("isDeprecated").GetBoolean()).Select(a => a.GetProperty("name").GetString()).Order().ToArray();
        Assert.Equal(new string?[] { "campaignId", "from", "leadId", "status", "to" }, deprecated);
    }
}
