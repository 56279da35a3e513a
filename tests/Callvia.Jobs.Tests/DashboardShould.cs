using System.Net;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

[Collection(JobsCollection.Name)]
public sealed class DashboardShould(JobsFixture fixture)
{
    [Fact]
    public async Task Refuse_anonymous_visitors()
    {
        using var jobs = fixture.Jobs.CreateClient("admin");
        Assert.Equal(HttpStatusCode.Unauthorized, (await jobs.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task Refuse_a_client_admin()
    {
        var a = await fixture.CreateTenantAsync();
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(a.Slug, cookies);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        using var jobs = fixture.Jobs.CreateClient(a.Slug, cookies);
        Assert.Equal(HttpStatusCode.Forbidden, (await jobs.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task Open_for_an_agency_admin()
    {
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient("admin", cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(TestData.AgencyAdminEmail, TestData.Password)).StatusCode);
        using var jobs = fixture.Jobs.CreateClient("admin", cookies);
        var response = await jobs.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Callvia jobs", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Show_failed_and_stuck_webhook_events_on_the_home_page()
    {
        fixture.Jobs.Services.GetRequiredService<Core.Webhooks.WebhookMetrics>().SetUnresolved(failed: 7, stuck: 2);
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient("admin", cookies);
        await portal.SignInAsync(TestData.AgencyAdminEmail, TestData.Password);
        using var jobs = fixture.Jobs.CreateClient("admin", cookies);

        var page = await jobs.GetStringAsync("/hangfire");

        Assert.Matches("Webhook events failed", page);
        Assert.Matches(@"metric-danger[\s\S]{0,400}7[\s\S]{0,200}Webhook events failed", page);
        Assert.Matches(@"2[\s\S]{0,200}Webhook events stuck", page);
    }
}
