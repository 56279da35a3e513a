using Callvia.Core.Billing;
using Callvia.Portal.Display;
using Callvia.Testing;
using Xunit;
using static Callvia.Portal.Tests.BrowserKit;

namespace Callvia.Portal.Tests;

/// <summary>The billing page in Chromium: usage, the projected invoice rounded once, milestones, invoices, failures.</summary>
[Collection(PortalCollection.Name)]
public sealed class BillingShould(PortalFixture fixture)
{
    [Fact]
    public async Task Show_this_months_usage_the_projected_invoice_milestone_progress_and_a_failed_payment_first()
    {
        var tenant = await fixture.CreateTenantAsync("Bill " + Guid.NewGuid().ToString("N")[..4]);
        // three unbilled calls this month whose costs round differently one by one than together: 0.005 each
        foreach (var seconds in new[] { 1, 1, 1 })
        {
            var call = Guid.CreateVersion7();
            await fixture.ExecuteAsync($"""
                INSERT INTO call_logs (id, client_id, provider_call_id, status, direction, duration_seconds, started_at, ended_at, created_at, updated_at)
                VALUES ('{call}', '{tenant.Id}', 'call_{call:N}', 'ended', 'outbound', {seconds}, now(), now(), now(), now());
                INSERT INTO usage_records (id, client_id, call_log_id, seconds, rate_per_minute, cost, occurred_at, created_at)
                VALUES ('{Guid.CreateVersion7()}', '{tenant.Id}', '{call}', {seconds}, 0.30, 0.005, now(), now());
                """);
        }
        await fixture.ExecuteAsync($"""
            INSERT INTO invoices (id, client_id, kind, period, stripe_invoice_id, amount_cents, currency, status, hosted_invoice_url, failure_reason, created_at, updated_at)
            VALUES ('{Guid.CreateVersion7()}', '{tenant.Id}', 'usage', '2026-10', 'in_f_{tenant.Slug}', 12345, 'usd', 'failed', 'https://invoice.stripe.com/i/{tenant.Slug}', 'Your card was declined.', now(), now()),
                   ('{Guid.CreateVersion7()}', '{tenant.Id}', 'usage', '2026-09', 'in_p_{tenant.Slug}', 98765, 'usd', 'paid', 'javascript:alert(1)', null, now() - interval '1 day', now());
            """);
        var (usage, milestones) = await fixture.InTenantAsync(tenant, sp => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<BillingSummary>(sp).GetAsync(default));

        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "billing");
        await SignInAsync(page, tenant);
        await page.WaitForSelectorAsync("[data-testid=usage]");

        // the fixture's one call (300 s, $1, already on an invoice) and the three new ones
        Assert.Equal(4, usage.Calls);
        Assert.Equal(303, usage.Seconds);
        Assert.Equal("4", await page.InnerTextAsync("[data-testid=usage-calls]"));
        Assert.Equal("5.05", await page.InnerTextAsync("[data-testid=usage-minutes]"));
        Assert.Equal(Format.Money(1.015m, "usd"), await page.InnerTextAsync("[data-testid=usage-cost]"));
        // 0.005 × 3 = 0.015 → 2 cents (once, at the total), not 3 × round(0.005) = 0 (half to even) cents
        Assert.Equal(2, usage.ProjectedCents);
        Assert.Contains("$0.02", await page.InnerTextAsync("[data-testid=projected]"));
        Assert.Contains("3 calls not yet invoiced", await page.InnerTextAsync("[data-testid=projected]"));

        Assert.Equal((0, 25, 1), (milestones.Shown, milestones.Size, milestones.Reached));
        Assert.StartsWith("0 of 25 shown toward milestone 2", await page.InnerTextAsync("[data-testid=milestone-progress]"));

        var failed = await page.InnerTextAsync("[data-testid=failed-payments]");
        Assert.Contains("$123.45", failed);
        Assert.Contains("Your card was declined.", failed);
        Assert.Equal($"https://invoice.stripe.com/i/{tenant.Slug}", await page.GetAttributeAsync("[data-testid=failed-payments] a", "href"));
        Assert.Equal(3, await page.Locator("[data-testid=invoice-row]").CountAsync());
        Assert.Contains("Milestone 1", await page.InnerTextAsync("[data-testid=invoices]"));
        Assert.Equal(0, await page.Locator("[data-testid=invoices] a[href^=javascript]").CountAsync()); // never a script link
        await ShotAsync(page, "billing");
    }
}
