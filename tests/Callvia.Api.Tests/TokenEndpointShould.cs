using System.Net;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class TokenEndpointShould(ApiFixture fixture)
{
    [Fact]
    public async Task Issue_a_token_to_a_partner_application_on_its_tenants_host()
    {
        var a = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, error) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        Assert.Null(error);
        Assert.False(string.IsNullOrEmpty(token));
    }

    [Fact]
    public async Task Answer_invalid_client_for_a_wrong_secret()
    {
        var a = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, error) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret + "x");
        Assert.Null(token);
        Assert.Equal("invalid_client", error);
    }

    [Fact]
    public async Task Answer_invalid_client_for_another_tenants_application()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var (token, error) = await apiB.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        Assert.Null(token);
        Assert.Equal("invalid_client", error);
    }

    [Fact]
    public async Task Answer_404_on_an_unknown_host()
    {
        using var api = fixture.Api.CreateClient("nobody-" + Guid.NewGuid().ToString("N")[..6]);
        var response = await api.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
