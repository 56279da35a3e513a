using System.Net;
using System.Text.Json;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SuppressionsShould(ApiFixture fixture)
{
    private const string Suppress = "mutation($phone: String!, $reason: String) { suppressNumber(phone: $phone, reason: $reason) { suppression { id phone source liftable } errors { field code } } }";
    private const string Unsuppress = "mutation($phone: String!) { unsuppressNumber(phone: $phone) { suppression { phone } errors { field code message } } }";
    private const string List = "query($search: String) { suppressions(first: 10, search: $search) { totalCount edges { node { phone source } } } }";

    private static async Task<JsonElement> RunAsync(HttpClient api, string token, string query, object variables, string field)
    {
        var (status, body) = await api.GraphQLAsync(query, variables, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data").GetProperty(field);
    }

    [Fact]
    public async Task Suppress_a_number_once_list_it_and_lift_it()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);

        var first = await RunAsync(api, token!, Suppress, new { phone = "(917) 555-0142", reason = "asked by phone" }, "suppressNumber");
        var again = await RunAsync(api, token!, Suppress, new { phone = "+1 917 555 0142" }, "suppressNumber");
        Assert.Equal("+19175550142", first.GetProperty("suppression").GetProperty("phone").GetString());
        Assert.True(first.GetProperty("suppression").GetProperty("liftable").GetBoolean());
        Assert.Equal(first.GetProperty("suppression").GetProperty("id").GetString(), again.GetProperty("suppression").GetProperty("id").GetString());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM suppressions WHERE client_id = '{tenant.Id}' AND phone_e164 = '+19175550142' AND source = 'manual'"));
        var listed = await RunAsync(api, token!, List, new { search = "9175550142" }, "suppressions");
        Assert.Equal(1, listed.GetProperty("totalCount").GetInt32());

        var lifted = await RunAsync(api, token!, Unsuppress, new { phone = "9175550142" }, "unsuppressNumber");
        Assert.Empty(lifted.GetProperty("errors").EnumerateArray());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM suppressions WHERE client_id = '{tenant.Id}' AND phone_e164 = '+19175550142'"));
        var missing = await RunAsync(api, token!, Unsuppress, new { phone = "9175550142" }, "unsuppressNumber");
        Assert.Equal("NOT_FOUND", missing.GetProperty("errors")[0].GetProperty("code").GetString());
        var bad = await RunAsync(api, token!, Suppress, new { phone = "call me maybe" }, "suppressNumber");
        Assert.Equal("phone", bad.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Keep_a_persons_own_opt_out_and_another_tenants_list_apart()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        await fixture.CountAsync($"WITH x AS (INSERT INTO suppressions (id, client_id, phone_e164, source, reason, created_at) VALUES (gen_random_uuid(), '{a.Id}', '+13475550111', 'sms', 'replied STOP', now()) RETURNING 1) SELECT count(*) FROM x");
        using var apiA = fixture.Api.CreateClient(a.Slug);
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var (tokenA, _) = await apiA.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        var (tokenB, _) = await apiB.RequestTokenAsync(b.PartnerClientId, b.PartnerSecret);

        var refused = await RunAsync(apiA, tokenA!, Unsuppress, new { phone = "+13475550111" }, "unsuppressNumber");
        Assert.Equal("FORBIDDEN", refused.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Contains("START", refused.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM suppressions WHERE client_id = '{a.Id}' AND phone_e164 = '+13475550111'"));

        // B sees none of A's numbers and cannot lift them
        Assert.Equal(0, (await RunAsync(apiB, tokenB!, List, new { search = "3475550111" }, "suppressions")).GetProperty("totalCount").GetInt32());
        var fromB = await RunAsync(apiB, tokenB!, Unsuppress, new { phone = "+13475550111" }, "unsuppressNumber");
        Assert.Equal("NOT_FOUND", fromB.GetProperty("errors")[0].GetProperty("code").GetString());
    }
}
