using System.Net;
using System.Text.Json;
using Callvia.Api.GraphQL;
using Callvia.Testing;
using Xunit;
using static Callvia.Api.Tests.ManualMessagesShould;

namespace Callvia.Api.Tests;

/// <summary>The messages connection, Lead.messages and node(Message): paging, filters, batching, tenant isolation.</summary>
[Collection(MessagingCollection.Name)]
public sealed class MessageQueriesShould(MessagingFixture fixture)
{
    private const string Page = """
        query($first: Int, $after: String, $filter: MessageFilter) { messages(first: $first, after: $after, filter: $filter) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id body channel status direction kind createdAt lead { id } } } } }
        """;

    [Fact]
    public async Task Page_a_leads_messages_newest_first_and_filter_them()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var lead = await fixture.CreateLeadAsync(tenant, NewPhone(), $"p.{Guid.NewGuid():N}@example.test");
        var other = await fixture.CreateLeadAsync(tenant, NewPhone());
        foreach (var text in new[] { "one", "two", "three", "four" })
            await SendAsync(api, token, new { leadId = LeadId(lead), channel = "SMS", body = text });
        await SendAsync(api, token, new { leadId = LeadId(lead), channel = "EMAIL", body = "five" });
        await SendAsync(api, token, new { leadId = LeadId(other), channel = "SMS", body = "elsewhere" });
        var byLead = new { leadId = LeadId(lead) };

        var first = await DataAsync(api, token, Page, new { first = 2, filter = byLead });
        Assert.Equal(5, first.GetProperty("totalCount").GetInt32());
        Assert.True(first.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        var second = await DataAsync(api, token, Page, new { first = 2, after = first.GetProperty("pageInfo").GetProperty("endCursor").GetString(), filter = byLead });
        var third = await DataAsync(api, token, Page, new { first = 2, after = second.GetProperty("pageInfo").GetProperty("endCursor").GetString(), filter = byLead });
        Assert.False(third.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.Equal(["five", "four", "three", "two", "one"], new[] { first, second, third }.SelectMany(Bodies));

        var emails = await DataAsync(api, token, Page, new { filter = new { leadId = LeadId(lead), channel = "EMAIL" } });
        Assert.Equal(["five"], Bodies(emails));
        var sent = await DataAsync(api, token, Page, new { filter = new { leadId = LeadId(lead), status = "SENT", direction = "OUTBOUND" } });
        Assert.Equal(5, sent.GetProperty("edges").GetArrayLength());
        Assert.Empty(Bodies(await DataAsync(api, token, Page, new { filter = new { leadId = LeadId(lead), status = "FAILED" } })));
        Assert.Empty(Bodies(await DataAsync(api, token, Page, new { filter = new { leadId = LeadId(lead), from = DateTimeOffset.UtcNow.AddMinutes(5) } })));
        Assert.Equal(5, Bodies(await DataAsync(api, token, Page, new { filter = new { leadId = LeadId(lead), from = DateTimeOffset.UtcNow.AddHours(-1), to = DateTimeOffset.UtcNow.AddHours(1) } })).Count());

        // the whole list holds the tenant's reminder from its set-up too, the other lead's message, and nothing else
        var all = await DataAsync(api, token, Page, new { first = 100 });
        Assert.Equal(7, all.GetProperty("totalCount").GetInt32());

        var (status, body) = await api.GraphQLAsync(Page, new { filter = new { from = DateTimeOffset.UtcNow, to = DateTimeOffset.UtcNow.AddHours(-1) } }, token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("VALIDATION", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Show_nothing_of_another_tenants_messages()
    {
        var (a, apiA, tokenA) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var (b, apiB, tokenB) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var leadB = await fixture.CreateLeadAsync(b, NewPhone());
        var theirs = (await SendAsync(apiB, tokenB, new { leadId = LeadId(leadB), channel = "SMS", body = "B's secret text" })).GetProperty("message").GetProperty("id").GetString();

        // by list, by lead filter, by node: nothing of B
        var all = await DataAsync(apiA, tokenA, Page, new { first = 100 });
        Assert.DoesNotContain("B's secret text", all.ToString());
        Assert.Equal(1, all.GetProperty("totalCount").GetInt32()); // A's own set-up reminder
        Assert.Equal(0, (await DataAsync(apiA, tokenA, Page, new { filter = new { leadId = LeadId(leadB) } })).GetProperty("totalCount").GetInt32());
        const string node = "query($id: ID!) { node(id: $id) { id ... on Message { body } } }";
        Assert.Equal(JsonValueKind.Null, (await DataAsync(apiA, tokenA, node, new { id = theirs }, "node")).ValueKind);
        Assert.Equal("B's secret text", (await DataAsync(apiB, tokenB, node, new { id = theirs }, "node")).GetProperty("body").GetString());

        // A's token on B's host gets nothing
        var (status, body) = await apiB.GraphQLAsync(Page, new { first = 10 }, tokenA);
        Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.DoesNotContain("B's secret text", body.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await apiA.GraphQLAsync(Page, new { first = 10 })).Status);
    }

    [Fact]
    public async Task Load_the_latest_messages_of_a_page_of_leads_in_one_statement()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var leads = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var lead = await fixture.CreateLeadAsync(tenant, NewPhone());
            leads.Add(lead);
            for (var j = 0; j <= i % 3; j++)
                await SendAsync(api, token, new { leadId = LeadId(lead), channel = "SMS", body = $"lead {i} message {j}" });
        }
        const string query = "query($first: Int) { leads(first: $first) { edges { node { id messages(first: 2) { body lead { id } } } } } }";

        using var counter = new StatementCounter(fixture.Database.Name);
        Task<(JsonElement Edges, int Statements)> Run(int first) =>
            counter.CountAsync(async () => (await DataAsync(api, token, query, new { first }, "leads")).GetProperty("edges"));

        var (few, fewStatements) = await Run(2);
        var (edges, manyStatements) = await Run(7);

        Assert.Equal(2, few.GetArrayLength());
        Assert.True(fewStatements > 0);
        Assert.Equal(fewStatements, manyStatements); // not one more per lead
        var byLead = edges.EnumerateArray().ToDictionary(e => e.GetProperty("node").GetProperty("id").GetString()!, e => e.GetProperty("node").GetProperty("messages"));
        for (var i = 0; i < 6; i++)
        {
            var messages = byLead[LeadId(leads[i])].EnumerateArray().Select(m => m.GetProperty("body").GetString()).ToList();
            var count = i % 3 + 1;
            Assert.Equal(Enumerable.Range(0, count).Reverse().Take(2).Select(j => $"lead {i} message {j}"), messages);
        }
        var (status, body) = await api.GraphQLAsync("{ leads(first: 1) { edges { node { messages(first: 51) { id } } } } }", bearer: token);
        Assert.Equal("VALIDATION", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    private static IEnumerable<string> Bodies(JsonElement connection) =>
        connection.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("body").GetString()!);

    private static async Task<JsonElement> DataAsync(HttpClient api, string token, string query, object variables, string field = "messages")
    {
        var (status, body) = await api.GraphQLAsync(query, variables, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data").GetProperty(field);
    }
}
