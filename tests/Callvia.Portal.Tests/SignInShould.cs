using System.Net;
using Callvia.Testing;
using Xunit;

namespace Callvia.Portal.Tests;

[Collection(PortalCollection.Name)]
public sealed class SignInShould(PortalFixture fixture)
{
    [Fact]
    public async Task Sign_a_client_user_in_on_their_own_host()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        var response = await portal.SignInAsync(a.AdminEmail, a.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        var home = await portal.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(a.Name, await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fail_with_a_wrong_password()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        var response = await portal.SignInAsync(a.AdminEmail, a.Password + "!");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("email or password is not right", await response.Content.ReadAsStringAsync());
        await AssertSignedOut(portal);
    }

    [Fact]
    public async Task Fail_with_the_right_password_on_another_tenants_host()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var portalB = fixture.Portal.CreateClient(b.Slug);
        var response = await portalB.SignInAsync(a.AdminEmail, a.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertSignedOut(portalB);
    }

    [Fact]
    public async Task Fail_for_a_client_user_on_the_agency_host()
    {
        var a = await fixture.CreateTenantAsync();
        using var admin = fixture.Portal.CreateClient("admin");
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.SignInAsync(a.AdminEmail, a.Password)).StatusCode);
    }

    [Fact]
    public async Task Let_an_agency_admin_sign_in_on_any_host()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        foreach (var tenant in new[] { a, b })
        {
            using var portal = fixture.Portal.CreateClient(tenant.Slug);
            Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(TestData.AgencyAdminEmail, TestData.Password)).StatusCode);
            var home = await portal.GetStringAsync("/");
            Assert.Contains("data-testid=\"kpis\"", home);
            Assert.Contains(tenant.Name, home);
        }
        using var console = fixture.Portal.CreateClient("admin");
        Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(TestData.AgencyAdminEmail, TestData.Password)).StatusCode);
        var start = await console.GetAsync("/");
        Assert.Equal("/clients", start.Headers.Location?.OriginalString);
        var clients = await console.GetStringAsync("/clients");
        Assert.Contains(a.Name, clients);
        Assert.Contains(b.Name, clients);
    }

    [Fact]
    public async Task Sign_out()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        var home = await portal.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(home, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await portal.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await AssertSignedOut(portal);
    }

    private static async Task AssertSignedOut(HttpClient portal)
    {
        var home = await portal.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/account/sign-in", home.Headers.Location?.PathAndQuery ?? home.Headers.Location?.OriginalString);
    }
}
