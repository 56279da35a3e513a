using Callvia.Web.Identity;
using System.Net;
using Callvia.Core.Identity;
using Callvia.Testing;
using Xunit;

namespace Callvia.Portal.Tests;

[Collection(PortalCollection.Name)]
public sealed class PagesShould(PortalFixture fixture)
{
    [Fact]
    public async Task Show_the_tenants_name_and_campaigns_and_nothing_of_another_tenant()
    {
        var a = await fixture.CreateTenantAsync("Alpha Dental " + Guid.NewGuid().ToString("N")[..4]);
        var b = await fixture.CreateTenantAsync("Beta Gym " + Guid.NewGuid().ToString("N")[..4]);
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(a.AdminEmail, a.Password);

        var home = await portal.GetStringAsync("/");

        Assert.Contains(a.Name, home);
        Assert.All(a.CampaignNames, name => Assert.Contains(name, home));
        Assert.DoesNotContain(b.Name, home);
        Assert.All(b.CampaignNames, name => Assert.DoesNotContain(name, home));
    }

    [Fact]
    public async Task Send_an_anonymous_visitor_to_the_sign_in_page()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        var response = await portal.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/sign-in", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Answer_an_unknown_host_with_a_404_page()
    {
        using var portal = fixture.Portal.CreateClient("unknown-" + Guid.NewGuid().ToString("N")[..6]);
        var response = await portal.GetAsync("/account/sign-in");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Not_open_another_tenants_pages_with_a_replayed_session()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var cookies = new CookieContainer();
        using var portalA = fixture.Portal.CreateClient(a.Slug, cookies);
        await portalA.SignInAsync(a.AdminEmail, a.Password);
        var session = cookies.GetCookies(fixture.Portal.HostUri(a.Slug))[IdentityRegistration.SessionCookieName]!;

        foreach (var host in new[] { b.Slug, "admin" })
        {
            var stolen = new CookieContainer();
            stolen.Add(new Cookie(session.Name, session.Value, "/", $"{host}.localhost"));
            using var other = fixture.Portal.CreateClient(host, stolen);
            var response = await other.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/account/denied", response.Headers.Location!.OriginalString);
            Assert.DoesNotContain(b.Name, await response.Content.ReadAsStringAsync());
        }
    }
}
