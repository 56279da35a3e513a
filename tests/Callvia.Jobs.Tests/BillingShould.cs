using System.Text.Json.Nodes;
using Callvia.Core.Appointments;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Jobs.Billing;
using Callvia.Testing;
using Callvia.Testing.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// Billing end to end on real jobs-service hosts (each its own container and pool) on one injected clock, against the
/// real PostgreSQL and a fake Stripe on loopback that speaks Stripe.net's wire format (idempotency replay included):
/// the month close across time zones and DST, rounding, reruns, failures and crashes half-way, late usage; milestones
/// under concurrency, corrections; paid and failed.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class BillingShould(JobsFixture fixture) : JobsInstances(fixture, DateTimeOffset.Parse("2026-10-20T12:00:00Z"))
{
    // ---- the month close

    [Fact]
    public async Task Close_each_clients_month_at_its_own_midnight_across_DST_with_one_line_per_campaign_rounded_once()
    {
        await DispatcherAsync();
        var la = await BillingTenantAsync("America/Los_Angeles");
        var tokyo = await BillingTenantAsync("Asia/Tokyo");
        // Los Angeles: 61 s + 89 s in two campaigns = 150 s at $0.20 = exactly $0.50; its lines' exact parts are
        // 20.33 and 29.67 cents: rounded once at the total, shared 20 + 30. One call in the last minute of October
        // (local, PDT) and one just after midnight (still PDT; the clocks go back at 02:00 that day) which is November's.
        await UsageAsync(la, 0, "2026-10-05T18:00:00Z", 61);
        await UsageAsync(la, 1, "2026-11-01T06:59:30Z", 89);
        await UsageAsync(la, 1, "2026-11-01T07:00:30Z", 600);
        await UsageAsync(tokyo, 0, "2026-10-31T14:59:00Z", 30); // 23:59 on the 31st in Tokyo: October
        await UsageAsync(tokyo, 0, "2026-10-31T15:00:00Z", 30); // midnight in Tokyo: November

        Clock.SetUtcNow(DateTimeOffset.Parse("2026-10-31T15:30:00Z")); // Tokyo's November 1st; Los Angeles' October 31st
        await CloseAsync(0);
        Assert.Null(await UsageInvoiceAsync(la));
        var tokyoInvoice = (await UsageInvoiceAsync(tokyo))!;
        Assert.Equal(("2026-10", 10L), (tokyoInvoice.Period, tokyoInvoice.AmountCents)); // 30 s = 10 cents

        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T06:59:59Z")); // a second before midnight in Los Angeles
        await CloseAsync(0);
        Assert.Null(await UsageInvoiceAsync(la));
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T07:00:00Z"));
        await CloseAsync(0);
        var invoice = (await UsageInvoiceAsync(la))!;
        Assert.Equal(("2026-10", 50L, InvoiceStatus.Open, InvoiceStep.Sent), (invoice.Period, invoice.AmountCents, invoice.Status, invoice.StripeStep));
        var lines = await LinesAsync(la, invoice.Id);
        // by campaign name: "… autumn" (89 s) before "… spring" (61 s)
        Assert.Equal([30L, 20L], lines.Select(l => l.AmountCents));
        Assert.Equal([89L, 61L], lines.Select(l => l.Seconds));
        Assert.All(lines, l => Assert.False(l.Late));
        Assert.Equal(0.5m, lines.Sum(l => l.Cost));
        // the same in Stripe: one customer with the billing email, one invoice of the two lines, finalized and sent
        var stripeInvoice = Assert.Single(Stripe.Invoices, i => i["metadata"]!["client_id"]!.GetValue<string>() == la.Id.ToString());
        Assert.Equal(("open", 50L, "send_invoice"), (stripeInvoice["status"]!.GetValue<string>(), stripeInvoice["amount_due"]!.GetValue<long>(), stripeInvoice["collection_method"]!.GetValue<string>()));
        Assert.Equal([30L, 20L], stripeInvoice["lines"]!["data"]!.AsArray().Select(l => l!["amount"]!.GetValue<long>()));
        Assert.Equal(invoice.StripeInvoiceId, stripeInvoice["id"]!.GetValue<string>());
        Assert.Equal(stripeInvoice["hosted_invoice_url"]!.GetValue<string>(), invoice.HostedInvoiceUrl);
        Assert.Contains(invoice.StripeInvoiceId, Stripe.Sent);
        var customer = Assert.Single(Stripe.Customers, c => c["metadata"]!["client_id"]!.GetValue<string>() == la.Id.ToString());
        Assert.Equal($"billing@{la.Slug}.test", customer["email"]!.GetValue<string>());
        // the November call is not billed; the October ones are, by this invoice
        Assert.Equal(1, await Fixture.CountAsync($"SELECT count(*) FROM usage_records WHERE client_id = '{la.Id}' AND invoice_id IS NULL AND seconds = 600"));
        // every request that created something carried a deterministic key
        Assert.All(Stripe.Received.Where(r => r.Method == "POST"), r => Assert.True(r.AnsweredStatus == 200));

        // a rerun (and another instance) bills nothing again; the customer is reused for the next month
        await DispatcherAsync();
        await Task.WhenAll(CloseAsync(0), CloseAsync(1));
        Assert.Single(Stripe.Invoices, i => i["metadata"]!["client_id"]!.GetValue<string>() == la.Id.ToString());
        Assert.Equal(1, await Fixture.CountAsync($"SELECT count(*) FROM invoices WHERE client_id = '{la.Id}' AND kind = 'usage'"));
    }

    [Fact]
    public async Task Bill_late_usage_on_the_next_invoice_marked_as_such_and_nothing_for_zero()
    {
        await DispatcherAsync();
        var tenant = await BillingTenantAsync("Europe/London");
        var idle = await BillingTenantAsync("Europe/London");
        await UsageAsync(tenant, 0, "2026-10-10T10:00:00Z", 120);
        await UsageAsync(idle, 0, "2026-10-10T10:00:00Z", 1, simulated: true); // the sandbox's minutes are never billed
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T00:10:00Z")); // GMT again since October 25th
        await CloseAsync(0);
        Assert.Equal(40L, (await UsageInvoiceAsync(tenant))!.AmountCents);
        Assert.Null(await UsageInvoiceAsync(idle));

        // an October call reported after the close waits for November's invoice, on a line of its own, marked late
        await UsageAsync(tenant, 0, "2026-10-31T23:30:00Z", 60);
        await UsageAsync(tenant, 0, "2026-11-15T12:00:00Z", 30);
        await CloseAsync(0);
        Assert.Equal(1, await Fixture.CountAsync($"SELECT count(*) FROM invoices WHERE client_id = '{tenant.Id}' AND kind = 'usage'"));
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-12-01T00:00:00Z"));
        await CloseAsync(0);
        var november = await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<CallviaDbContext>().Invoices.AsNoTracking().SingleAsync(i => i.Period == "2026-11"));
        var lines = await LinesAsync(tenant, november.Id);
        Assert.Equal(30L, november.AmountCents);
        Assert.Equal([(false, 30L, 10L), (true, 60L, 20L)], lines.Select(l => (l.Late, l.Seconds, l.AmountCents)));
        Assert.Contains("late usage from before November 2026", lines[1].Description);
    }

    [Fact]
    public async Task End_with_one_invoice_in_Stripe_after_5xx_timeouts_and_a_crash_half_way()
    {
        await DispatcherAsync();
        var tenant = await BillingTenantAsync("UTC");
        await UsageAsync(tenant, 0, "2026-10-03T10:00:00Z", 90);
        await UsageAsync(tenant, 1, "2026-10-04T10:00:00Z", 90);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T00:01:00Z"));

        // the customer is made, then Stripe executes the invoice's creation but answers 500 (kept for the key)
        Stripe.FailAfterExecutingNext(); // customer: executed, 500
        await CloseAsync(0);
        var invoice = (await UsageInvoiceAsync(tenant))!;
        Assert.Equal((InvoiceStep.Recorded, 1), (invoice.StripeStep, invoice.IssueAttempts));
        Assert.Contains("500", invoice.IssueError);
        // the 500 was looked into at once: the customer was made after all (found by its metadata) and is adopted; the
        // next run makes the rest, and the customer is not made twice
        await IssueAsync(0);
        Assert.Single(Stripe.Customers, c => c["metadata"]!["client_id"]!.GetValue<string>() == tenant.Id.ToString());
        invoice = (await UsageInvoiceAsync(tenant))!;
        Assert.Equal(InvoiceStep.Sent, invoice.StripeStep);
        Assert.Single(Stripe.Invoices, i => i["metadata"]!["client_id"]!.GetValue<string>() == tenant.Id.ToString());

        // a second client: the invoice's creation answers 500 after executing (found and adopted), the lines are added but
        // answered after our timeout, their retry answers 503 (the look finds them added): one draft, its lines once
        var other = await BillingTenantAsync("UTC");
        await UsageAsync(other, 0, "2026-10-03T10:00:00Z", 300);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T00:16:00Z"));
        var before = Stripe.Received.Count;
        await CreateCustomerFirstAsync(other);
        Stripe.FailAfterExecutingNext(); // POST /v1/invoices
        await CloseAsync(0); // the 500 is looked into at once: the draft is found by its metadata and adopted
        Assert.Equal(InvoiceStep.Created, (await UsageInvoiceAsync(other))!.StripeStep);
        Stripe.DelayNext(TimeSpan.FromSeconds(3)); // add_lines: done in Stripe, answered after our 2 s timeout
        await IssueAsync(0);
        invoice = (await UsageInvoiceAsync(other))!;
        Assert.Equal(InvoiceStep.Created, invoice.StripeStep);
        Assert.Contains("in time", invoice.IssueError);
        await ExecutedInStripeAsync(() => Stripe.Invoices.Any(i => i["id"]!.GetValue<string>() == invoice.StripeInvoiceId
                                                                  && i["lines"]!["data"]!.AsArray().Count > 0)); // the late request lands
        Stripe.FailNext(503, FakeStripe.Error("api_error", "Service unavailable"), 1); // the lines' retry: 503, kept for the key
        await IssueAsync(0); // the look: the draft has its lines and the total
        Assert.Equal(InvoiceStep.LinesAdded, (await UsageInvoiceAsync(other))!.StripeStep);
        Stripe.FailNext(503, FakeStripe.Error("api_error", "Service unavailable"), 1); // finalize: not executed, 503 kept for its key
        await IssueAsync(0); // the look: still a draft, so a new round of keys
        Assert.Equal((InvoiceStep.LinesAdded, 1), ((await UsageInvoiceAsync(other))!.StripeStep, (await UsageInvoiceAsync(other))!.StripeKeyRound));
        await IssueAsync(0);
        invoice = (await UsageInvoiceAsync(other))!;
        Assert.Equal((InvoiceStep.Sent, InvoiceStatus.Open), (invoice.StripeStep, invoice.Status));
        var made = Assert.Single(Stripe.Invoices, i => i["metadata"]!["client_id"]!.GetValue<string>() == other.Id.ToString());
        Assert.Equal((100L, 1), (made["amount_due"]!.GetValue<long>(), made["lines"]!["data"]!.AsArray().Count));
        Assert.Single(Stripe.Sent, s => s == invoice.StripeInvoiceId);
        Assert.Contains(Stripe.Received.Skip(before), r => r.Path.EndsWith("/add_lines") && r.AnsweredStatus == 200);

        // a crash half-way: an instance made the Stripe invoice and died before recording its id; the retry under
        // the same key gets Stripe's first answer back, so there is still one
        var crashed = await BillingTenantAsync("UTC");
        await UsageAsync(crashed, 0, "2026-10-05T10:00:00Z", 60);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T00:31:00Z"));
        await CreateCustomerFirstAsync(crashed);
        var recorded = await InHostAsync(Hosts[0], crashed, sp => sp.GetRequiredService<UsageInvoices>().CloseAsync(default));
        await InHostAsync(Hosts[0], crashed, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var client = await db.Clients.AsNoTracking().SingleAsync();
            return await sp.GetRequiredService<StripeGateway>().CreateInvoiceAsync(recorded!, client.StripeCustomerId!,
                new() { ["client_id"] = client.Id.ToString(), ["slug"] = client.Slug, ["invoice_id"] = recorded!.Id.ToString(), ["kind"] = "usage", ["period"] = "2026-10" }, default);
        });
        await IssueAsync(0);
        Assert.Single(Stripe.Invoices, i => i["metadata"]!["client_id"]!.GetValue<string>() == crashed.Id.ToString());
        Assert.Equal(InvoiceStep.Sent, (await UsageInvoiceAsync(crashed))!.StripeStep);
    }

    [Fact]
    public async Task Record_invoices_as_simulated_without_Stripe_keys()
    {
        await DispatcherAsync(stripe: false);
        var tenant = await BillingTenantAsync("UTC");
        await UsageAsync(tenant, 0, "2026-10-03T10:00:00Z", 60);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T00:46:00Z"));
        await CloseAsync(0);
        var invoice = (await UsageInvoiceAsync(tenant))!;
        Assert.Equal((true, InvoiceStatus.Open, 20L, (string?)null), (invoice.Simulated, invoice.Status, invoice.AmountCents, invoice.StripeInvoiceId));
        await IssueAsync(0);
        Assert.DoesNotContain(Stripe.Invoices, i => i["metadata"]!["client_id"]!.GetValue<string>() == tenant.Id.ToString());
    }

    // ---- milestones

    [Fact]
    public async Task Reach_each_25th_shown_appointment_once_under_two_instances_with_its_evidence()
    {
        await DispatcherAsync();
        await DispatcherAsync();
        var tenant = await BillingTenantAsync("UTC");
        // TestData gave the tenant milestone 1 already (no evidence): the next ones are 2 and 3
        await DueAppointmentsAsync(tenant, 52);
        // two instances verify in small batches at the same moment
        async Task Verify(int host)
        {
            while ((await InHostAsync(Hosts[host], tenant, sp => sp.GetRequiredService<AppointmentVerification>().VerifyDueAsync(4, default))).Verified > 0) { }
        }
        await Task.WhenAll(Verify(0), Verify(1));
        var milestones = await MilestonesAsync(tenant);
        Assert.Equal([1, 2, 3], milestones.Select(m => m.Number));
        Assert.Equal(2, await Fixture.CountAsync($"SELECT count(*) FROM invoices WHERE client_id = '{tenant.Id}' AND kind = 'milestone' AND milestone_number IS NOT NULL"));
        foreach (var number in new[] { 2, 3 })
        {
            var entries = await Fixture.CountAsync($"SELECT count(DISTINCT position) FROM milestone_entries e JOIN milestones m ON m.id = e.milestone_id WHERE m.client_id = '{tenant.Id}' AND m.number = {number} AND e.removed_at IS NULL AND e.source = 'lead' AND e.verified_by = '{AppointmentVerification.RuleActor}' AND e.note LIKE 'The lead replied YES%'");
            Assert.Equal(25, entries);
        }
        Assert.Equal(2, await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}' AND milestone_id IS NULL AND removed_at IS NULL"));

        // their invoices: $2,000 each in Stripe, with the evidence's address
        await IssueAsync(0);
        var made = Stripe.Invoices.Where(i => i["metadata"]!["client_id"]!.GetValue<string>() == tenant.Id.ToString()).ToList();
        Assert.Equal(["2", "3"], made.Select(i => i["metadata"]!["milestone"]!.GetValue<string>()).Order());
        Assert.All(made, i => Assert.Equal(200000L, i["amount_due"]!.GetValue<long>()));
        Assert.All(made, i => Assert.EndsWith($"/billing/milestones/{i["metadata"]!["milestone"]!.GetValue<string>()}", i["metadata"]!["evidence_url"]!.GetValue<string>()));
        Assert.Equal(MilestoneStatus.Invoiced, (await MilestonesAsync(tenant)).Single(m => m.Number == 2).Status);
    }

    [Fact]
    public async Task Reach_the_25th_once_when_two_answers_come_at_the_same_moment_and_keep_corrections_consistent()
    {
        await DispatcherAsync();
        await DispatcherAsync();
        var tenant = await BillingTenantAsync("UTC");
        var ids = await DueAppointmentsAsync(tenant, 23, leadYes: false, verifyAfterHours: 1);
        var more = await DueAppointmentsAsync(tenant, 4, leadYes: false, verifyAfterHours: 1);
        foreach (var id in ids) await AnswerAsync(0, tenant, id, true);
        // the 24th and 25th on two instances at once, then the 26th: milestone 2 once, one in the pool
        await Task.WhenAll(AnswerAsync(0, tenant, more[0], true), AnswerAsync(1, tenant, more[1], true));
        await AnswerAsync(1, tenant, more[2], true);
        Assert.Equal([1, 2], (await MilestonesAsync(tenant)).Select(m => m.Number));
        Assert.Equal(1, await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}' AND milestone_id IS NULL AND removed_at IS NULL"));
        var by = await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}' AND source = 'client' AND verified_by = 'system'");
        Assert.Equal(26, by);

        // a correction of an invoiced appointment: the milestone and its invoice stand, the entry is kept as removed,
        // and the pool's appointment fills its place (it does not count toward milestone 3)
        await AnswerAsync(0, tenant, ids[3], false);
        Assert.Equal(1, await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}' AND removed_at IS NOT NULL AND removed_reason LIKE 'Corrected to no-show%'"));
        Assert.Equal(0, await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}' AND milestone_id IS NULL AND removed_at IS NULL"));
        Assert.Equal(1, await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}' AND replaces_entry_id IS NOT NULL AND removed_at IS NULL"));
        Assert.Equal(25, await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries e JOIN milestones m ON m.id = e.milestone_id WHERE m.client_id = '{tenant.Id}' AND m.number = 2 AND e.removed_at IS NULL"));
        // another correction leaves a place the next shown appointment fills; corrected back, an appointment counts again
        await AnswerAsync(0, tenant, ids[4], false);
        await AnswerAsync(0, tenant, ids[4], true);
        Assert.Equal(25, await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries e JOIN milestones m ON m.id = e.milestone_id WHERE m.client_id = '{tenant.Id}' AND m.number = 2 AND e.removed_at IS NULL"));
        Assert.Equal([1, 2], (await MilestonesAsync(tenant)).Select(m => m.Number));
        Assert.Equal(1, await Fixture.CountAsync($"SELECT count(*) FROM invoices WHERE client_id = '{tenant.Id}' AND milestone_number IS NOT NULL"));
        // the count stays consistent: shown appointments = entries counting
        Assert.Equal(await Fixture.CountAsync($"SELECT count(*) FROM appointments WHERE client_id = '{tenant.Id}' AND status = 'shown'"),
            await Fixture.CountAsync($"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}' AND removed_at IS NULL"));
    }

    [Fact]
    public async Task Mark_a_milestone_invoice_failed_then_paid_and_warn_the_client_by_email()
    {
        await DispatcherAsync();
        var tenant = await BillingTenantAsync("UTC");
        await DueAppointmentsAsync(tenant, 25);
        await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<AppointmentVerification>().VerifyDueAsync(100, default));
        await IssueAsync(0);
        var invoice = await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<CallviaDbContext>().Invoices.AsNoTracking().SingleAsync(i => i.MilestoneNumber == 2));
        var customer = Stripe.Customers.Single(c => c["metadata"]!["client_id"]!.GetValue<string>() == tenant.Id.ToString())["id"]!.GetValue<string>();

        await StripeEventAsync(tenant, "invoice.payment_failed", StripeEvents.Invoice("invoice.payment_failed", invoice.StripeInvoiceId!, customer));
        var failed = await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<CallviaDbContext>().Invoices.AsNoTracking().SingleAsync(i => i.Id == invoice.Id));
        Assert.Equal(InvoiceStatus.Failed, failed.Status);
        Assert.Equal(MilestoneStatus.Failed, (await MilestonesAsync(tenant)).Single(m => m.Number == 2).Status);
        // the warning goes to the billing address, once, through the message dispatcher
        await SendDueAsync();
        var sent = Email.Received.Where(r => r.RawBody.Contains($"billing@{tenant.Slug}.test")).ToList();
        Assert.Single(sent);
        Assert.Contains("Payment failed", sent[0].RawBody);

        await StripeEventAsync(tenant, "invoice.paid", StripeEvents.Invoice("invoice.paid", invoice.StripeInvoiceId!, customer, status: "paid"));
        Assert.Equal(MilestoneStatus.Paid, (await MilestonesAsync(tenant)).Single(m => m.Number == 2).Status);
        Assert.Single(Email.Received, r => r.RawBody.Contains($"billing@{tenant.Slug}.test"));
    }

    // ---- the agency's actions

    [Fact]
    public async Task Let_the_agency_void_an_open_invoice_credit_a_paid_one_and_retry_a_given_up_one_once_each_in_Stripe_and_audited()
    {
        await DispatcherAsync();
        var tenant = await BillingTenantAsync("UTC");
        await DueAppointmentsAsync(tenant, 25);
        await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<AppointmentVerification>().VerifyDueAsync(100, default));
        await UsageAsync(tenant, 0, "2026-10-07T10:00:00Z", 600); // $2.00
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T01:01:00Z"));
        await CloseAsync(0);
        await IssueAsync(0);
        var milestone = await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<CallviaDbContext>().Invoices.AsNoTracking().SingleAsync(i => i.MilestoneNumber == 2));
        var usage = (await UsageInvoiceAsync(tenant))!;
        Assert.Equal((InvoiceStep.Sent, InvoiceStep.Sent), (milestone.StripeStep, usage.StripeStep));
        Task<InvoiceActions.Result> Act(Func<InvoiceActions, Task<InvoiceActions.Result>> act) => InHostAsync(Hosts[0], tenant, sp => act(sp.GetRequiredService<InvoiceActions>()));
        async Task<long> Audited(string action) => await Fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = '{action}' AND (client_id = '{tenant.Id}' OR detail LIKE '%{milestone.Id}%' OR detail LIKE '%{usage.Id}%')");

        // bad input changes nothing
        Assert.Equal("reason", Assert.Single((await Act(a => a.VoidAsync(milestone.Id, "  ", default))).Issues).Field);
        Assert.Equal("NOT_FOUND", Assert.Single((await Act(a => a.VoidAsync(Guid.NewGuid(), "typo", default))).Issues).Code);
        Assert.Equal("CONFLICT", Assert.Single((await Act(a => a.CreditAsync(milestone.Id, 10m, "goodwill", default))).Issues).Code); // open: void it instead

        // void the milestone's: a 503 before Stripe did it changes nothing here (and the next try uses a new key, since
        // Stripe replays the kept 503); a 500 after Stripe did it is looked into and recorded
        Stripe.FailNext(503, FakeStripe.Error("api_error", "Service unavailable"), 1);
        Assert.Equal("STRIPE", Assert.Single((await Act(a => a.VoidAsync(milestone.Id, "Booked twice by the client's own staff", default))).Issues).Code);
        Assert.Equal(InvoiceStatus.Open, (await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<CallviaDbContext>().Invoices.AsNoTracking().SingleAsync(i => i.Id == milestone.Id))).Status);
        Assert.Equal("open", Stripe.Invoices.Single(i => i["id"]!.GetValue<string>() == milestone.StripeInvoiceId)["status"]!.GetValue<string>());
        Stripe.FailAfterExecutingNext(); // voided in Stripe, answered 500
        var voided = await Act(a => a.VoidAsync(milestone.Id, "Booked twice by the client's own staff", default));
        Assert.Empty(voided.Issues);
        Assert.Equal((InvoiceStatus.Void, MilestoneStatus.Void), (voided.Invoice!.Status, (await MilestonesAsync(tenant)).Single(m => m.Number == 2).Status));
        Assert.Equal("void", Stripe.Invoices.Single(i => i["id"]!.GetValue<string>() == milestone.StripeInvoiceId)["status"]!.GetValue<string>());

        var usageVoid = await Act(a => a.VoidAsync(usage.Id, "Rate agreed lower; a new invoice follows", default));
        Assert.Empty(usageVoid.Issues);
        Assert.Equal(InvoiceStatus.Void, usageVoid.Invoice!.Status);
        Assert.Equal("void", Stripe.Invoices.Single(i => i["id"]!.GetValue<string>() == usage.StripeInvoiceId)["status"]!.GetValue<string>());
        Assert.Equal("CONFLICT", Assert.Single((await Act(a => a.VoidAsync(usage.Id, "again", default))).Issues).Code);
        Assert.Equal(2, await Audited("invoice.voided"));
        Assert.True(await Audited("agency.void_invoice") >= 4);

        // credit a paid invoice: a second client's milestone, paid through the webhook
        var paidTenant = await BillingTenantAsync("UTC");
        await DueAppointmentsAsync(paidTenant, 25);
        await InHostAsync(Hosts[0], paidTenant, sp => sp.GetRequiredService<AppointmentVerification>().VerifyDueAsync(100, default));
        await IssueAsync(0);
        var paid = await InHostAsync(Hosts[0], paidTenant, sp => sp.GetRequiredService<CallviaDbContext>().Invoices.AsNoTracking().SingleAsync(i => i.MilestoneNumber == 2));
        var customer = Stripe.Customers.Single(c => c["metadata"]!["client_id"]!.GetValue<string>() == paidTenant.Id.ToString())["id"]!.GetValue<string>();
        Stripe.MarkPaid(paid.StripeInvoiceId!);
        await StripeEventAsync(paidTenant, "invoice.paid", StripeEvents.Invoice("invoice.paid", paid.StripeInvoiceId!, customer, status: "paid"));
        Task<InvoiceActions.Result> Credit(decimal amount) => InHostAsync(Hosts[0], paidTenant, sp => sp.GetRequiredService<InvoiceActions>().CreditAsync(paid.Id, amount, "Two shows were the same lead", default));
        Assert.Equal("CONFLICT", Assert.Single((await InHostAsync(Hosts[0], paidTenant, sp => sp.GetRequiredService<InvoiceActions>().VoidAsync(paid.Id, "no", default))).Issues).Code);
        Assert.Equal("amount", Assert.Single((await Credit(0.001m)).Issues).Field);
        Assert.Equal("amount", Assert.Single((await Credit(2000.01m)).Issues).Field);
        Stripe.DelayNext(TimeSpan.FromSeconds(3)); // done in Stripe, answered after our timeout
        Assert.Equal("STRIPE", Assert.Single((await Credit(160m)).Issues).Code);
        await ExecutedInStripeAsync(() => Stripe.CreditNotes.Any(c => c["invoice"]!.GetValue<string>() == paid.StripeInvoiceId));
        var credited = await Credit(160m); // the same key: Stripe answers with the note it made
        Assert.Empty(credited.Issues);
        Assert.Equal(16000, credited.Invoice!.CreditedCents);
        Assert.Single(Stripe.CreditNotes, c => c["invoice"]!.GetValue<string>() == paid.StripeInvoiceId);
        Stripe.FailAfterExecutingNext(); // a second credit, made in Stripe, answered 500: found by the notes' sum
        Assert.Empty((await Credit(40m)).Issues);
        Assert.Equal([16000L, 4000L], Stripe.CreditNotes.Where(c => c["invoice"]!.GetValue<string>() == paid.StripeInvoiceId).Select(c => c["amount"]!.GetValue<long>()));
        Assert.Contains("At most 1,800.00 USD", Assert.Single((await Credit(1800.01m)).Issues).Message);
        Assert.Equal(2, await Fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'invoice.credited' AND client_id = '{paidTenant.Id}'"));

        // retry one given up: Stripe refused its creation (a 4xx), the agency retries, the sweep makes it
        var refused = await BillingTenantAsync("UTC");
        await UsageAsync(refused, 0, "2026-10-08T10:00:00Z", 60);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-11-01T01:16:00Z"));
        await CreateCustomerFirstAsync(refused);
        Stripe.FailNext(400, FakeStripe.Error("invalid_request_error", "The customer has no email."), 1);
        await CloseAsync(0);
        var givenUp = (await UsageInvoiceAsync(refused))!;
        Assert.NotNull(givenUp.IssueFailedAt);
        var retried = await InHostAsync(Hosts[0], refused, sp => sp.GetRequiredService<InvoiceActions>().RetryAsync(givenUp.Id, default));
        Assert.Empty(retried.Issues);
        await IssueAsync(0);
        Assert.Equal((InvoiceStep.Sent, InvoiceStatus.Open), ((await UsageInvoiceAsync(refused))!.StripeStep, (await UsageInvoiceAsync(refused))!.Status));
        Assert.Equal("CONFLICT", Assert.Single((await InHostAsync(Hosts[0], refused, sp => sp.GetRequiredService<InvoiceActions>().RetryAsync(givenUp.Id, default))).Issues).Code);
    }

    // ---- helpers

    /// <summary>A request we gave up on is still executed by Stripe, a moment later: wait for that (not for a time).</summary>
    private static async Task ExecutedInStripeAsync(Func<bool> done)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!done()) await Task.Delay(20, cancel.Token);
    }

    private async Task<TestTenant> BillingTenantAsync(string zone)
    {
        var tenant = await Fixture.CreateTenantAsync();
        await Fixture.ExecuteAsync($"UPDATE clients SET time_zone = '{zone}', stripe_customer_id = NULL, billing_email = 'billing@{tenant.Slug}.test' WHERE id = '{tenant.Id}'");
        return tenant;
    }

    private Task CreateCustomerFirstAsync(TestTenant tenant) => InHostAsync(Hosts[0], tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var client = await db.Clients.SingleAsync();
        client.StripeCustomerId = await sp.GetRequiredService<StripeGateway>().CreateCustomerAsync(client.Id, client.Slug, client.Name, client.BillingEmail, 0, default);
        await db.SaveChangesAsync();
        return 0;
    });

    private Task UsageAsync(TestTenant tenant, int campaign, string endedAt, int seconds, bool simulated = false) => InHostAsync(Hosts[0], tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var at = DateTimeOffset.Parse(endedAt);
        var call = new CallLog
        {
            CampaignId = tenant.CampaignIds[campaign], ProviderCallId = "call_" + Guid.NewGuid().ToString("N"), Status = CallStatus.Ended,
            StartedAt = at.AddSeconds(-seconds), EndedAt = at, DurationSeconds = seconds, Simulated = simulated,
        };
        db.CallLogs.Add(call);
        db.UsageRecords.Add(new UsageRecord { CallLogId = call.Id, Seconds = seconds, RatePerMinute = 0.20m, Cost = UsageCost.Of(seconds, 0.20m), OccurredAt = at, Simulated = simulated });
        await db.SaveChangesAsync();
        return 0;
    });

    private Task<MonthCloseSweep.Result> CloseAsync(int host) => Hosts[host].Services.GetRequiredService<MonthCloseSweep>().RunAsync(default);

    private Task<int> IssueAsync(int host) => Hosts[host].Services.GetRequiredService<InvoiceIssueSweep>().RunAsync(default);

    private Task<Invoice?> UsageInvoiceAsync(TestTenant tenant) => InHostAsync(Hosts[0], tenant, sp =>
        sp.GetRequiredService<CallviaDbContext>().Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Kind == InvoiceKind.Usage && i.Period == "2026-10"));

    private Task<List<InvoiceLine>> LinesAsync(TestTenant tenant, Guid invoiceId) => InHostAsync(Hosts[0], tenant, sp =>
        sp.GetRequiredService<CallviaDbContext>().InvoiceLines.AsNoTracking().Where(l => l.InvoiceId == invoiceId).OrderBy(l => l.Position).ToListAsync());

    private Task<List<Milestone>> MilestonesAsync(TestTenant tenant) => InHostAsync(Hosts[0], tenant, sp =>
        sp.GetRequiredService<CallviaDbContext>().Milestones.AsNoTracking().OrderBy(m => m.Number).ToListAsync());

    /// <summary>Appointments that ended long enough ago for the 48-hour rule, each with a lead that replied YES (or not).</summary>
    private Task<List<Guid>> DueAppointmentsAsync(TestTenant tenant, int count, bool leadYes = true, int verifyAfterHours = 49) => InHostAsync(Hosts[0], tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var now = Clock.GetUtcNow();
        var list = new List<Appointment>();
        for (var i = 0; i < count; i++)
        {
            var ends = now.AddHours(-verifyAfterHours).AddMinutes(-i);
            list.Add(new Appointment
            {
                ProviderBookingUid = "bill_" + Guid.NewGuid().ToString("N"), StartsAt = ends.AddMinutes(-30), EndsAt = ends, BookedAt = ends.AddDays(-2),
                LeadAnswer = leadYes ? true : null, LeadAnsweredAt = leadYes ? ends.AddMinutes(20) : null, AttendeeName = $"Attendee {i}",
            });
        }
        db.Appointments.AddRange(list);
        await db.SaveChangesAsync();
        return list.Select(a => a.Id).ToList();
    });

    private Task AnswerAsync(int host, TestTenant tenant, Guid appointment, bool showed) => InHostAsync(Hosts[host], tenant, async sp =>
    {
        var result = await sp.GetRequiredService<AppointmentVerification>().RecordClientAnswerAsync(appointment, showed, null, default);
        Assert.Empty(result.Issues);
        return 0;
    });

    private async Task StripeEventAsync(TestTenant tenant, string type, string body)
    {
        var id = await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<Core.Webhooks.WebhookInbox>().AcceptAsync("stripe", Guid.NewGuid().ToString("N"), type, body, default));
        await InHostAsync(Hosts[0], tenant, async sp =>
        {
            await sp.GetRequiredService<Core.Webhooks.WebhookEventProcessor>().ProcessAsync(id!.Value, default);
            return 0;
        });
    }
}
