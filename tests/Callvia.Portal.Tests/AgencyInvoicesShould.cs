using System.Net;
using Callvia.Testing;
using Microsoft.Playwright;
using Xunit;
using static Callvia.Portal.Tests.BrowserKit;

namespace Callvia.Portal.Tests;

/// <summary>The agency console's invoices in Chromium: what needs the agency first, void, retry, a refused credit; audited.</summary>
[Collection(PortalCollection.Name)]
public sealed class AgencyInvoicesShould(PortalFixture fixture)
{
    [Fact]
    public async Task List_failed_and_given_up_invoices_first_and_void_retry_and_refuse_a_credit_without_Stripe_keys()
    {
        var tenant = await fixture.CreateTenantAsync("Invoiced " + Guid.NewGuid().ToString("N")[..4]);
        await fixture.ShownAppointmentsAsync(tenant, 25); // milestone 2: a simulated invoice (no Stripe keys in these tests)
        var failed = Guid.CreateVersion7();
        var givenUp = Guid.CreateVersion7();
        var paid = Guid.CreateVersion7();
        await fixture.ExecuteAsync($"""
            INSERT INTO invoices (id, client_id, kind, period, stripe_invoice_id, amount_cents, currency, status, failure_reason, stripe_step, created_at, updated_at)
            VALUES ('{failed}', '{tenant.Id}', 'usage', '2026-09', 'in_fail_{tenant.Slug}', 4321, 'usd', 'failed', 'Your card was declined.', 'sent', now(), now()),
                   ('{paid}', '{tenant.Id}', 'usage', '2026-08', 'in_paid_{tenant.Slug}', 10000, 'usd', 'paid', null, 'sent', now(), now());
            INSERT INTO invoices (id, client_id, kind, period, amount_cents, currency, status, stripe_step, issue_attempts, issue_error, issue_failed_at, created_at, updated_at)
            VALUES ('{givenUp}', '{tenant.Id}', 'usage', '2026-10', 1234, 'usd', 'draft', 'recorded', 1, 'Stripe answered 400: The customer has no email.', now(), now(), now());
            """);

        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri("admin") + "invoices");
        await SignInAsync(page, TestData.AgencyAdminEmail);
        await page.WaitForSelectorAsync("[data-testid=attention]");
        var attention = await page.InnerTextAsync("[data-testid=attention]");
        Assert.Contains("Payment failed: Your card was declined.", attention);
        Assert.Contains("The customer has no email.", attention);
        await ShotAsync(page, "agency-invoices");

        // void the milestone's (simulated: here only): a reason is required, then it is void with its milestone
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var milestoneRow = page.Locator("[data-testid=invoice-row]", new() { HasText = "Milestone 2" }).Filter(new() { HasText = tenant.Name });
        await milestoneRow.Locator("[data-testid=void]").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=row-error]");
        Assert.Contains("Say why", await page.InnerTextAsync("[data-testid=row-error]"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM invoices WHERE client_id = '{tenant.Id}' AND status = 'void'"));
        milestoneRow = page.Locator("[data-testid=invoice-row]", new() { HasText = "Milestone 2" }).Filter(new() { HasText = tenant.Name });
        await milestoneRow.Locator("[data-testid=void-reason]").FillAsync("Test bookings by the client's staff");
        await milestoneRow.Locator("[data-testid=void]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("saved=voided"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM invoices i JOIN milestones m ON m.invoice_id = i.id WHERE i.client_id = '{tenant.Id}' AND i.status = 'void' AND m.status = 'void' AND m.number = 2"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE client_id = '{tenant.Id}' AND action = 'invoice.voided' AND actor = '{TestData.AgencyAdminEmail}' AND detail LIKE '%Test bookings by the client''s staff'"));

        // retry the one given up: the issuing job takes it again
        await page.Locator($"[data-testid=attention-row][data-invoice='{givenUp}'] [data-testid=retry]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("saved=retried"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM invoices WHERE id = '{givenUp}' AND issue_failed_at IS NULL AND issue_attempts = 0"));
        Assert.Equal(0, await page.Locator($"[data-testid=attention-row][data-invoice='{givenUp}']").CountAsync());

        // a credit of a Stripe invoice without Stripe keys: refused, said, nothing changed
        var paidRow = page.Locator($"[data-testid=invoice-row][data-invoice='{paid}']");
        await paidRow.Locator("[data-testid=credit-amount]").FillAsync("25.00");
        await paidRow.Locator("[data-testid=credit-reason]").FillAsync("Goodwill");
        await paidRow.Locator("[data-testid=credit]").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=row-error]");
        Assert.Contains("Stripe's keys are not configured", await page.InnerTextAsync("[data-testid=row-error]"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT credited_cents FROM invoices WHERE id = '{paid}'"));

        // a client's people never reach it
        using var portal = fixture.Portal.CreateClient(tenant.Slug, new CookieContainer());
        await portal.SignInAsync(tenant.AdminEmail, tenant.Password);
        var refused = await portal.GetAsync("/invoices");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode); // the agency's folder: denied
        Assert.Contains("/account/denied", refused.Headers.Location!.OriginalString);
        using var admin = fixture.Portal.CreateClient("admin", new CookieContainer());
        var anonymous = await admin.GetAsync("/invoices");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/account/sign-in", anonymous.Headers.Location!.OriginalString);
    }
}
