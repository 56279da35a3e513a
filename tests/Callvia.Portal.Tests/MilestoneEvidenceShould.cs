using System.Net;
using Callvia.Testing;
using Xunit;
using static Callvia.Portal.Tests.BrowserKit;

namespace Callvia.Portal.Tests;

/// <summary>
/// A milestone's evidence, reached through the real verification (the client's answers) and corrected: the page in
/// Chromium, the CSV download, the printable page; another client's milestone is not found.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class MilestoneEvidenceShould(PortalFixture fixture)
{
    [Fact]
    public async Task List_each_appointment_with_its_rule_and_corrections_as_a_page_a_CSV_and_a_printable_view()
    {
        var tenant = await fixture.CreateTenantAsync("Evidence " + Guid.NewGuid().ToString("N")[..4]);
        // TestData gave the client milestone 1 (before the ledger); 26 answers reach milestone 2 and leave one in the pool
        var ids = await fixture.ShownAppointmentsAsync(tenant, 26);
        // a correction of an invoiced appointment: the pool's one takes its place; a second leaves a place open
        await fixture.AnswerAsync(tenant, ids[3], false);
        await fixture.AnswerAsync(tenant, ids[5], false);
        // a name a spreadsheet would run as a formula
        await fixture.ExecuteAsync($"UPDATE appointments SET attendee_name = '=HYPERLINK(\"http://evil.test\")' WHERE id = '{ids[0]}'");

        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "billing");
        await SignInAsync(page, tenant);
        await page.WaitForSelectorAsync("[data-testid=milestone-list]");
        Assert.StartsWith("0 of 25 shown toward milestone 3", await page.InnerTextAsync("[data-testid=milestone-progress]"));
        Assert.Contains("1 place", await page.InnerTextAsync("[data-testid=open-places]"));
        Assert.Contains("simulated", await page.InnerTextAsync("[data-testid=invoices]")); // no Stripe keys in the portal's tests

        await page.ClickAsync("[data-testid=milestone-list] a[href='/billing/milestones/2']");
        await page.WaitForSelectorAsync("[data-testid=evidence]");
        Assert.Equal(24, await page.Locator("[data-testid=evidence-row]").CountAsync());
        Assert.Equal(2, await page.Locator("[data-testid=removed-row]").CountAsync());
        Assert.Equal(1, await page.Locator("[data-testid=replaces]").CountAsync());
        Assert.Contains("1 place is open", await page.InnerTextAsync("[data-testid=open-places]"));
        var first = await page.Locator("[data-testid=evidence-row]").First.InnerTextAsync();
        Assert.Contains("1. the client's answer", first);
        Assert.Contains("system", first); // by whom: the test's answers come from no signed-in person
        Assert.Contains("Corrected to no-show by system", await page.InnerTextAsync("[data-testid=removed]"));
        Assert.Contains("simulated", await page.InnerTextAsync("[data-testid=milestone-invoice]"));
        await ShotAsync(page, "milestone-evidence");

        // the CSV: a header, 24 counting rows by place, the 2 corrected out; a formula is defused
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=evidence-csv]"));
        Assert.Equal($"{tenant.Slug}-milestone-2-evidence.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 24 + 2, lines.Length);
        Assert.StartsWith("milestone,place,state,appointment_id", lines[0]);
        Assert.Equal(24, lines.Count(l => l.StartsWith("2,") && l.Contains(",counts,")));
        Assert.Equal(2, lines.Count(l => l.Contains(",removed,") && l.Contains("Corrected to no-show")));
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.test\"\")\"", lines[1]);
        Assert.Contains($",1,the client's answer,", lines[1]);

        // the printable page: the same sheet, no navigation
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "billing/milestones/2/print");
        Assert.Equal(24, await page.Locator("[data-testid=evidence-row]").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=nav]").CountAsync());
        await AssertAccessibleAsync(page, "milestone-evidence-print");

        // another client: its own milestone 1 only; this client's milestone 2 is not found there, nor are unknown views
        var other = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(other.Slug, new CookieContainer());
        await portal.SignInAsync(other.AdminEmail, other.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync("/billing/milestones/2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync("/billing/milestones/2/evidence.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync("/billing/milestones/1/other")).StatusCode);
        var own = await portal.GetAsync("/billing/milestones/1/evidence.csv");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("text/csv", own.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(ids[0].ToString(), await own.Content.ReadAsStringAsync());
        // signed out: the sign-in, never the evidence
        using var anonymous = fixture.Portal.CreateClient(tenant.Slug);
        var denied = await anonymous.GetAsync("/billing/milestones/2/evidence.csv");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/account/sign-in", denied.Headers.Location!.OriginalString);
    }
}
