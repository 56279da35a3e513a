using System.Net;
using System.Text;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>The leadImportProgress subscription over a real socket, following an import fed over REST.</summary>
[Collection(ApiCollection.Name)]
public sealed class LeadImportProgressShould(ApiFixture fixture)
{
    private const string Subscription = "subscription($id: ID!) { leadImportProgress(id: $id) { id status rowsRead imported rejected } }";

    [Fact]
    public async Task Push_the_import_while_it_waits_and_runs_then_its_result_and_complete()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var token = await api.TokenAsync(tenant);
        var (_, started) = await api.GraphQLAsync("mutation($c: ID!) { startLeadImport(campaignId: $c) { leadImport { id uploadUrl } } }",
            new { c = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[1]) }, token);
        var import = started.GetProperty("data").GetProperty("startLeadImport").GetProperty("leadImport");
        var id = import.GetProperty("id").GetString()!;

        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, tenant.Slug, token);
        await ws.SubscribeAsync("p", Subscription, new { id });
        var first = await ws.NextAsync();
        Assert.Equal("AWAITING_UPLOAD", Progress(first).GetProperty("status").GetString());

        var csv = new StringBuilder("phone,first_name\n");
        for (var i = 0; i < 2000; i++) csv.Append($"+1415555{i:0000},Lead{i}\n");
        csv.Append("not-a-phone,Bad\n");
        var (response, _) = await api.ImportAsync(token, Guid.Empty, csv.ToString(), path: import.GetProperty("uploadUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // then pushes until the result, and complete
        JsonElement last = first;
        while (true)
        {
            var message = await ws.NextAsync(TimeSpan.FromSeconds(10));
            if (message.GetProperty("type").GetString() == "complete") break;
            Assert.Equal("next", message.GetProperty("type").GetString());
            last = message;
        }
        var result = Progress(last);
        Assert.Equal("COMPLETED", result.GetProperty("status").GetString());
        Assert.Equal((2001, 2000, 1), (result.GetProperty("rowsRead").GetInt32(), result.GetProperty("imported").GetInt32(), result.GetProperty("rejected").GetInt32()));
        Assert.Equal(id, result.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Answer_NOT_FOUND_for_another_clients_import_and_a_finished_import_at_once()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var tokenB = await apiB.TokenAsync(b);
        var (_, started) = await apiB.GraphQLAsync("mutation($c: ID!) { startLeadImport(campaignId: $c) { leadImport { id } } }",
            new { c = GlobalId.Encode(CampaignGraphType.TypeName, b.CampaignIds[1]) }, tokenB);
        var theirs = started.GetProperty("data").GetProperty("startLeadImport").GetProperty("leadImport").GetProperty("id").GetString()!;

        using var apiA = fixture.Api.CreateClient(a.Slug);
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, await apiA.TokenAsync(a));
        await ws.SubscribeAsync("x", Subscription, new { id = theirs });
        var refused = await ws.NextAsync();
        Assert.Contains("NOT_FOUND", refused.ToString());
        Assert.DoesNotContain("AWAITING_UPLOAD", refused.ToString());
    }

    private static JsonElement Progress(JsonElement message) =>
        message.GetProperty("payload").GetProperty("data").GetProperty("leadImportProgress");
}
