using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Callvia.Portal.Display;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using static Callvia.Portal.Tests.BrowserKit;

namespace Callvia.Portal.Tests;

/// <summary>A real browser (Debian's Chromium, driven by Playwright) against the running portal.</summary>
[Collection(PortalCollection.Name)]
public sealed class BrowserShould(PortalFixture fixture)
{
    [Fact]
    public async Task Sign_in_on_the_tenants_address_and_show_its_campaigns_only()
    {
        var a = await fixture.CreateTenantAsync("Acme Browser " + Guid.NewGuid().ToString("N")[..4]);
        var b = await fixture.CreateTenantAsync("Globex Browser " + Guid.NewGuid().ToString("N")[..4]);
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();

        // Chromium resolves *.localhost to the loopback address itself.
        await page.GotoAsync(fixture.Portal.HostUri(a.Slug).ToString());
        Assert.Contains("/account/sign-in", page.Url);
        await ShotAsync(page, "sign-in");
        await SignInAsync(page, a);
        await page.WaitForSelectorAsync("[data-testid=kpis]");
        Assert.Equal(a.Name, await page.InnerTextAsync("[data-testid=tenant-name]"));

        await page.ClickAsync("[data-testid=nav] >> text=Campaigns");
        await page.WaitForSelectorAsync("[data-testid=campaigns]");
        Assert.Equal("page", await page.GetAttributeAsync("[data-testid=nav] >> text=Campaigns", "aria-current"));
        var table = await page.InnerTextAsync("[data-testid=campaigns]");
        Assert.All(a.CampaignNames, name => Assert.Contains(name, table));
        var text = await page.InnerTextAsync("body");
        Assert.DoesNotContain(b.Name, text);
        Assert.All(b.CampaignNames, name => Assert.DoesNotContain(name, text));
        await ShotAsync(page, "campaigns");

        // The same browser on B's address is not signed in there.
        await page.GotoAsync(fixture.Portal.HostUri(b.Slug).ToString());
        Assert.Contains("/account/sign-in", page.Url);
    }

    [Fact]
    public async Task Show_the_dashboard_as_the_kpi_rules_count_it_for_the_period_and_campaign_chosen()
    {
        var tenant = await fixture.CreateTenantAsync("Dash " + Guid.NewGuid().ToString("N")[..4]);
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug).ToString());
        await SignInAsync(page, tenant);
        await page.WaitForSelectorAsync("[data-testid=kpis]");

        // the default period, the last 30 days with today, in the client's time zone: what KpiService counts
        var expected = await KpisAsync(tenant, KpiPeriod.Last30Days, campaign: null);
        await AssertCardsAsync(page, expected);
        Assert.True(expected.Leads > 0 && expected.Calls > 0, "the test tenant has a lead and a call");
        Assert.Contains("Last 30 days", await page.InnerTextAsync("#range >> option[selected]"));
        // the charts: a bar per day of the period, and the period's leads by status
        Assert.Equal(30, await page.Locator("[data-testid=chart-calls] rect").CountAsync());
        Assert.StartsWith($"Calls per day: {Format.Count(expected.Calls, "call", "calls")} in 30 days",
            await page.GetAttributeAsync("[data-testid=chart-calls] svg", "aria-label"));
        var funnel = await page.InnerTextAsync("[data-testid=chart-funnel]");
        Assert.All(expected.LeadsByStatus.Where(s => s.Count > 0), s => Assert.Contains(Format.Count(s.Count), funnel));
        await ShotAsync(page, "dashboard");

        // another campaign: its own numbers (none of the tenant's activity is in its second campaign)
        // the filter submits itself on change: wait for that navigation from before the change (no race with it)
        var navigated = page.WaitForURLAsync(url => url.Contains("campaign="));
        await page.SelectOptionAsync("#campaign", new SelectOptionValue { Label = tenant.CampaignNames[1] });
        await navigated;
        Assert.Contains($"campaign={tenant.CampaignIds[1]}", page.Url);
        await AssertCardsAsync(page, await KpisAsync(tenant, KpiPeriod.Last30Days, tenant.CampaignIds[1]));
        Assert.Equal("0", await page.InnerTextAsync("[data-testid=kpi-leads] .value"));
        Assert.Equal("—", await page.InnerTextAsync("[data-testid=kpi-contact-rate] .value"));
        await page.WaitForSelectorAsync("[data-testid=empty-state]");

        // a preset keeps the campaign; today only
        navigated = page.WaitForURLAsync(url => url.Contains("range=today"));
        await page.SelectOptionAsync("#range", KpiPeriod.Today);
        await navigated;
        Assert.Contains("range=today", page.Url);
        Assert.Contains($"campaign={tenant.CampaignIds[1]}", page.Url);
        await AssertCardsAsync(page, await KpisAsync(tenant, KpiPeriod.Today, tenant.CampaignIds[1]));

        // a custom period that ends before it starts is refused next to the field, and nothing breaks
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "?range=custom&from=2026-03-10&to=2026-03-01");
        Assert.Equal("The last day is before the first.", await page.InnerTextAsync("[data-testid=period-error]"));
        await page.WaitForSelectorAsync("[data-testid=kpis]");

        // a phone's width: every card is on the page, none cut off
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug).ToString());
        var widths = await page.EvalOnSelectorAllAsync<double[]>("[data-testid=kpis] .kpi", "cards => cards.map(c => c.getBoundingClientRect().right)");
        Assert.Equal(6, widths.Length);
        Assert.All(widths, right => Assert.True(right <= 390, $"a card ends at {right}px"));
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 390"), "no horizontal scroll");
        await ShotAsync(page, "dashboard-390");
    }

    [Fact]
    public async Task Update_the_dashboard_live_when_a_webhook_is_processed_without_a_reload()
    {
        var tenant = await fixture.CreateTenantAsync("Live " + Guid.NewGuid().ToString("N")[..4]);
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug).ToString());
        await SignInAsync(page, tenant);
        await page.WaitForSelectorAsync("body[data-live=on]"); // the page's event stream is open
        await page.EvaluateAsync("window.sameDocument = true");
        var before = await KpisAsync(tenant, KpiPeriod.Last30Days, campaign: null);
        Assert.Equal(Format.Count(before.Calls), await page.InnerTextAsync("[data-testid=kpi-calls] .value"));

        // a call starts: Retell's webhook stored and processed as the jobs service does (the processor tells the
        // tenant's dashboards after its commit)
        var callId = "call_" + Guid.NewGuid().ToString("N");
        var id = await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("retell", callId + ":call_started", "call_started",
            $"{{\"event\":\"call_started\",\"call\":{{\"call_id\":\"{callId}\",\"call_status\":\"ongoing\",\"start_timestamp\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}}}", default));
        Assert.True(await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id!.Value, default)));

        var expected = Format.Count(before.Calls + 1);
        await page.WaitForFunctionAsync("expected => document.querySelector('[data-testid=kpi-calls] .value').textContent === expected",
            expected, new PageWaitForFunctionOptions { Timeout = 10_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "updated in place, not reloaded");
    }

    [Fact]
    public async Task Answer_a_page_that_is_not_there_with_a_way_back()
    {
        var tenant = await fixture.CreateTenantAsync("Lost " + Guid.NewGuid().ToString("N")[..4]);
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug).ToString());
        await SignInAsync(page, tenant);
        await page.WaitForSelectorAsync("[data-testid=kpis]");

        var response = await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "no-such-page");
        Assert.Equal(404, response!.Status);
        Assert.Contains("can't find that page", await page.InnerTextAsync("[data-testid=error-page]"));
        await ShotAsync(page, "not-found");
        await page.ClickAsync("[data-testid=error-page] >> text=Back to the dashboard");
        await page.WaitForSelectorAsync("[data-testid=kpis]");
    }

    [Fact]
    public async Task Catch_an_inaccessible_page_with_the_accessibility_check_every_screen_passes()
    {
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("<!doctype html><html lang=\"en\"><head><title>x</title></head><body><main><img src=\"a.png\"></main></body></html>");
        var e = await Assert.ThrowsAnyAsync<Exception>(() => AssertAccessibleAsync(page, "broken"));
        Assert.Contains("image-alt", e.Message);
    }

    private Task<KpiSnapshot> KpisAsync(TestTenant tenant, string preset, Guid? campaign) =>
        fixture.InTenantAsync(tenant, async sp =>
        {
            var zone = sp.GetRequiredService<TenantContext>().Tenant!.TimeZone;
            var period = KpiPeriod.Resolve(preset, null, null, KpiPeriod.TodayIn(zone, DateTimeOffset.UtcNow)).Period!;
            return await sp.GetRequiredService<KpiService>().GetAsync(period.ToRange(zone, campaign), default);
        });

    private static async Task AssertCardsAsync(IPage page, KpiSnapshot k)
    {
        Assert.Equal(Format.Count(k.Leads), await page.InnerTextAsync("[data-testid=kpi-leads] .value"));
        Assert.Equal(Format.Count(k.Calls), await page.InnerTextAsync("[data-testid=kpi-calls] .value"));
        Assert.Equal(Format.Rate(k.ContactRate, k.CalledLeads), await page.InnerTextAsync("[data-testid=kpi-contact-rate] .value"));
        Assert.Equal(Format.Count(k.AppointmentsBooked), await page.InnerTextAsync("[data-testid=kpi-booked] .value"));
        Assert.Equal(Format.Rate(k.ShowRate, k.AppointmentsVerified), await page.InnerTextAsync("[data-testid=kpi-show-rate] .value"));
        Assert.Equal(Format.Money(k.UsageCost, k.Currency), await page.InnerTextAsync("[data-testid=kpi-cost] .value"));
    }
}
