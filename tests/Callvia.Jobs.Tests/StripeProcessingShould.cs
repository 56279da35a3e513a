using Callvia.Core.Billing;
using Callvia.Core.Data;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

[Collection(JobsCollection.Name)]
public sealed class StripeProcessingShould(JobsFixture fixture)
{
    [Fact]
    public async Task Mark_the_invoice_and_its_milestone_and_never_unpay_a_paid_invoice()
    {
        // TestData gives each tenant invoice in_{slug} (customer cus_{slug}) with milestone 1 on it
        var tenant = await fixture.CreateTenantAsync();
        string Event(string type) => StripeEvents.Invoice(type, "in_" + tenant.Slug, "cus_" + tenant.Slug);

        await ApplyAsync(tenant, "invoice.finalized", Event("invoice.finalized"));
        Assert.Equal("open|invoiced", await StateAsync(tenant));
        await ApplyAsync(tenant, "invoice.payment_failed", Event("invoice.payment_failed"));
        Assert.Equal("failed|failed", await StateAsync(tenant));
        await ApplyAsync(tenant, "invoice.paid", Event("invoice.paid"));
        Assert.Equal("paid|paid", await StateAsync(tenant));
        await ApplyAsync(tenant, "invoice.payment_failed", Event("invoice.payment_failed"));
        await ApplyAsync(tenant, "invoice.finalized", Event("invoice.finalized"));
        Assert.Equal("paid|paid", await StateAsync(tenant));
    }

    [Fact]
    public async Task Keep_an_event_of_another_api_version_visibly_failed()
    {
        var tenant = await fixture.CreateTenantAsync();
        var id = await ApplyAsync(tenant, "invoice.paid", StripeEvents.Invoice("invoice.paid", "in_" + tenant.Slug, "cus_" + tenant.Slug, apiVersion: "2026-07-29.dahlia"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id = '{id}' AND status = 'failed' AND error LIKE '%API version%'"));
        Assert.Equal("draft|pending", await StateAsync(tenant));
    }

    private async Task<Guid> ApplyAsync(TestTenant tenant, string type, string body)
    {
        var id = (await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("stripe", Guid.NewGuid().ToString("N"), type, body, default)))!.Value;
        await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default));
        return id;
    }

    private Task<string> StateAsync(TestTenant tenant) => fixture.InTenantAsync(tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.StripeInvoiceId == "in_" + tenant.Slug);
        var milestone = await db.Milestones.AsNoTracking().SingleAsync(m => m.InvoiceId == invoice.Id);
        return $"{SnakeCaseEnum<InvoiceStatus>.ToDb(invoice.Status)}|{SnakeCaseEnum<MilestoneStatus>.ToDb(milestone.Status)}";
    });
}
