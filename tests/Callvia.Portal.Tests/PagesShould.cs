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

    [Theory]
    [InlineData("/?range=custom&from=9999-12-31&to=9999-12-31")]
    [InlineData("/?range=custom&from=0001-01-01&to=0001-01-02")]
    [InlineData("/?range=custom&from=not-a-day&to=%00")]
    [InlineData("/?range=%00%FF&from=2026-01-01&campaign=not-a-campaign")]
    [InlineData("/?range=custom&from=2026-01-01&to=2026-01-31&campaign=00000000-0000-0000-0000-000000000001")]
    [InlineData("/?handler=Kpis&range=custom&from=9999-12-31&to=9999-12-31")]
    [InlineData("/campaigns?archived=maybe")]
    [InlineData("/error/2147483647")]
    [InlineData("/leads?status=bogus")]
    [InlineData("/leads?status=99")]
    [InlineData("/leads?after=garbage&p=-5")]
    [InlineData("/leads?after=99999999999999999999.zz&p=abc&page=x")]
    [InlineData("/leads?range=custom&from=2026-05-01&to=2026-01-01")]
    [InlineData("/leads?range=nonsense&campaign=not-a-guid")]
    [InlineData("/leads?q=%00%00%00")]
    [InlineData("/leads/00000000-0000-0000-0000-000000000001")]
    [InlineData("/campaigns/00000000-0000-0000-0000-000000000001")]
    [InlineData("/campaigns/not-a-guid")]
    [InlineData("/imports/00000000-0000-0000-0000-000000000001")]
    [InlineData("/appointments?layout=month&date=9999-12-31")]
    [InlineData("/appointments?layout=week&date=0001-01-01")]
    [InlineData("/appointments?layout=nonsense&show=nonsense&date=not-a-day")]
    [InlineData("/appointments?after=garbage&show=all")]
    public async Task Answer_odd_addresses_and_filters_with_a_page_not_a_server_error(string path)
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        using var response = await portal.GetAsync(path);
        Assert.True((int)response.StatusCode < 500, $"{path}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Refuse_custom_days_outside_the_years_kept_next_to_the_field()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        var page = await portal.GetStringAsync("/?range=custom&from=9999-12-31&to=9999-12-31");
        Assert.Contains("data-testid=\"period-error\"", page);
        Assert.Contains("data-testid=\"kpis\"", page);
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
    public async Task Not_let_a_bearer_token_into_the_portal()
    {
        // the portal signs people in with its session cookie only: a partner's (or anyone's) bearer token is no session
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        foreach (var path in new[] { "/", "/leads", "/settings", "/imports?campaignId=" + a.CampaignIds[0] })
        {
            using var request = new HttpRequestMessage(path.StartsWith("/imports") ? HttpMethod.Post : HttpMethod.Get, path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", a.PartnerSecret);
            using var response = await portal.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, $"{path}: {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Redirect) Assert.Contains("/account/sign-in", response.Headers.Location!.OriginalString);
        }
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM lead_imports WHERE client_id = '{a.Id}'"));
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
