using System.Net;
using Callvia.Testing;
using Microsoft.Playwright;
using Xunit;
using static Callvia.Portal.Tests.BrowserKit;

namespace Callvia.Portal.Tests;

/// <summary>The agency console in Chromium: clients with KPIs, create, suspend and reactivate, act inside one, the audit log.</summary>
[Collection(PortalCollection.Name)]
public sealed class AgencyConsoleShould(PortalFixture fixture)
{
    [Fact]
    public async Task Create_suspend_and_reactivate_a_client_act_inside_one_with_a_banner_and_find_it_in_the_audit_log()
    {
        var tenant = await fixture.CreateTenantAsync("Agency view " + Guid.NewGuid().ToString("N")[..4]);
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri("admin").ToString());
        await SignInAsync(page, TestData.AgencyAdminEmail);
        await page.WaitForURLAsync(url => url.EndsWith("/clients"));
        var row = page.Locator($"[data-testid=client-row][data-slug={tenant.Slug}]");
        Assert.Equal("1", await row.Locator("[data-testid=client-leads]").InnerTextAsync()); // the tenant's lead, created today
        Assert.Equal("1", await row.Locator("[data-testid=client-calls]").InnerTextAsync());
        await ShotAsync(page, "agency-clients");

        // a new client: a reserved address refused next to the field, then created
        await page.ClickAsync("[data-testid=new-client]");
        await page.FillAsync("#client-Name", "Brand new dental");
        await page.FillAsync("#client-Slug", "admin");
        await page.ClickAsync("[data-testid=create-client]");
        await page.WaitForSelectorAsync("[data-testid=new-client-dialog][open] #client-Slug-error");
        var slug = "new" + Guid.NewGuid().ToString("N")[..8];
        await page.FillAsync("#client-Slug", slug);
        await page.ClickAsync("[data-testid=create-client]");
        await page.WaitForURLAsync(url => url.Contains("saved=created"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM clients WHERE slug = '{slug}' AND name = 'Brand new dental'"));

        // suspend (asked first): the client's host refuses it; then reactivate
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await row.Locator("[data-testid=toggle-status]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("saved=suspended"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal("suspended", await row.Locator("[data-testid=client-status]").InnerTextAsync());
        using (var client = fixture.Portal.CreateClient(tenant.Slug))
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/account/sign-in")).StatusCode);
        await row.Locator("[data-testid=toggle-status]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("saved=active"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal("active", await row.Locator("[data-testid=client-status]").InnerTextAsync());
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE client_id = '{tenant.Id}' AND action = 'agency.set_client_status'"));

        // the client's kill switch (asked first), then the platform's, which needs a reason; both audited, both undone
        await row.Locator("[data-testid=toggle-calls]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("saved=calls-stopped"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal("Resume calls", await row.Locator("[data-testid=toggle-calls]").InnerTextAsync());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM clients WHERE id = '{tenant.Id}' AND dialer_stopped_at IS NOT NULL"));
        await row.Locator("[data-testid=toggle-calls]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("saved=calls-resumed"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM clients WHERE id = '{tenant.Id}' AND dialer_stopped_at IS NULL"));
        await page.ClickAsync("[data-testid=platform-stop]");
        await page.WaitForSelectorAsync("[data-testid=stop-reason-error]");
        await ShotAsync(page, "agency-platform-reason");
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM platform_settings"));
        await page.FillAsync("#stop-reason", "Carrier incident 42");
        await page.ClickAsync("[data-testid=platform-stop]");
        await page.WaitForURLAsync(url => url.Contains("saved=platform-stopped"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=platform-resume]");
        await ShotAsync(page, "agency-platform-stopped");
        Assert.Equal("Stopped: Carrier incident 42", await page.InnerTextAsync("[data-testid=platform-dialer-state]"));
        await page.ClickAsync("[data-testid=platform-resume]");
        await page.WaitForURLAsync(url => url.Contains("saved=platform-resumed"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=platform-stop]");
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM platform_settings"));
        Assert.Equal(4, await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE action IN ('dialer.client_stop', 'dialer.client_start', 'dialer.platform_stop', 'dialer.platform_start')"));

        // inside the client: signing in on its host, with the banner on every page
        await row.Locator("[data-testid=act-as]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains($"{tenant.Slug}.localhost") && url.Contains("/account/sign-in"));
        await SignInAsync(page, TestData.AgencyAdminEmail);
        await page.WaitForSelectorAsync("[data-testid=kpis]");
        Assert.Contains(tenant.Name, await page.InnerTextAsync("[data-testid=acting-banner]"));
        await page.ClickAsync("[data-testid=nav] >> text=Leads");
        await page.WaitForSelectorAsync("[data-testid=acting-banner]");
        await ShotAsync(page, "agency-acting");
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE client_id = '{tenant.Id}' AND action = 'agency.sign_in_to_client'"));
        Assert.True(await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE client_id = '{tenant.Id}' AND action = 'agency.act_as' AND detail = 'GET /leads'") >= 1);

        // the audit log, filtered to the client
        await page.GotoAsync(fixture.Portal.HostUri("admin") + $"audit?client={tenant.Id}&action=agency.");
        await page.WaitForSelectorAsync("[data-testid=audit]");
        var log = await page.InnerTextAsync("[data-testid=audit]");
        Assert.Contains("agency.sign_in_to_client", log);
        Assert.Contains("agency.set_client_status", log);
        Assert.DoesNotContain("test.tenant_row", log); // the action filter holds
        await ShotAsync(page, "agency-audit");
    }

    [Fact]
    public async Task Keep_the_console_from_client_people_and_off_client_hosts()
    {
        var a = await fixture.CreateTenantAsync();
        using var own = fixture.Portal.CreateClient(a.Slug);
        await own.SignInAsync(a.AdminEmail, a.Password);
        foreach (var path in new[] { "/clients", "/audit" })
            Assert.True((await own.GetAsync(path)).StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Redirect, path);
        using var agencyOnClientHost = fixture.Portal.CreateClient(a.Slug);
        await agencyOnClientHost.SignInAsync(TestData.AgencyAdminEmail, TestData.Password);
        foreach (var path in new[] { "/clients", "/audit" })
            Assert.Equal(HttpStatusCode.NotFound, (await agencyOnClientHost.GetAsync(path)).StatusCode);
        using var console = fixture.Portal.CreateClient("admin");
        await console.SignInAsync(TestData.AgencyAdminEmail, TestData.Password);
        foreach (var path in new[] { "/audit?from=2026-05-01&to=2026-01-01", "/audit?from=9999-01-01", "/audit?before=-1&client=not-a-guid", "/audit?action=%00&actor=a%00", "/clients?range=nonsense" })
            Assert.Equal(HttpStatusCode.OK, (await console.GetAsync(path)).StatusCode);
        using (var bad = await console.PostFormAsync("/clients", "/clients?handler=Status", new() { ["clientId"] = a.Id.ToString(), ["status"] = "exploded" }))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var missing = await console.PostFormAsync("/clients", "/clients?handler=Status", new() { ["clientId"] = Guid.NewGuid().ToString(), ["status"] = "suspended" }))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
