using Callvia.Core.Appointments;
using Callvia.Core.Billing;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Webhooks;
using Callvia.Jobs.Webhooks;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// Every event ends processed or failed, in any order: the end state of a set of events does not depend on the order
/// or timing of their delivery, an event that cannot be applied ends failed with its reason and changes nothing, a
/// failing event stops after bounded attempts, and a failed event can be replayed after a fix.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class WebhookEventOutcomesShould(JobsFixture fixture)
{
    private static string Cal(string trigger, string uid, string start, string createdAt, string? leadId = null, string? rescheduleUid = null, string? rescheduleStart = null)
    {
        var end = DateTimeOffset.Parse(start).AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var metadata = leadId is null ? "{}" : $"{{\"leadId\":\"{leadId}\"}}";
        var extra = rescheduleUid is null ? "" : $",\"rescheduleUid\":\"{rescheduleUid}\",\"rescheduleStartTime\":\"{rescheduleStart}\",\"rescheduleEndTime\":\"{rescheduleStart}\"";
        return $"{{\"triggerEvent\":\"{trigger}\",\"createdAt\":\"{createdAt}\",\"payload\":{{\"uid\":\"{uid}\",\"title\":\"Consultation\",\"startTime\":\"{start}\",\"endTime\":\"{end}\"," +
               $"\"attendees\":[{{\"name\":\"Dana Lee\",\"email\":\"nobody@example.com\",\"timeZone\":\"America/New_York\"}}],\"metadata\":{metadata}{extra}}}}}";
    }

    [Fact]
    public async Task Reach_the_same_bookings_and_lead_status_from_a_booking_its_reschedule_and_a_cancellation_in_every_order()
    {
        // created A, rescheduled A → B, then B cancelled: the lead booked (its status only moves up), A and B cancelled
        var outcomes = new HashSet<string>();
        foreach (var order in Permutations([0, 1, 2]))
        {
            var tenant = await fixture.CreateTenantAsync();
            var lead = await fixture.CreateLeadAsync(tenant, "+12125550170", "order@example.com");
            var u = Guid.NewGuid().ToString("N");
            var events = new[]
            {
                ("BOOKING_CREATED", Cal("BOOKING_CREATED", u + "A", "2026-05-01T15:00:00Z", "2026-04-20T10:00:00.000Z", leadId: lead.ToString())),
                ("BOOKING_RESCHEDULED", Cal("BOOKING_RESCHEDULED", u + "B", "2026-05-02T15:00:00Z", "2026-04-21T10:00:00.000Z", leadId: lead.ToString(), rescheduleUid: u + "A", rescheduleStart: "2026-05-01T15:00:00Z")),
                ("BOOKING_CANCELLED", Cal("BOOKING_CANCELLED", u + "B", "2026-05-02T15:00:00Z", "2026-04-22T10:00:00.000Z")),
            };
            // each event in its own job, as when they are delivered a second apart
            foreach (var i in order)
                Assert.Equal("processed", await ApplyAsync(tenant, "calcom", events[i].Item1, events[i].Item2));

            var rows = await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<CallviaDbContext>().Appointments.AsNoTracking()
                .Where(a => a.ProviderBookingUid.StartsWith(u)).OrderBy(a => a.ProviderBookingUid).ToListAsync());
            var status = await LeadStatusAsync(tenant, lead);
            outcomes.Add(string.Join(";", rows.Select(a => $"{a.ProviderBookingUid[^1]} {a.Status} {a.StartsAt:O} {a.LeadId == lead} {a.RescheduledFromUid?[^1]} {a.CancelledAt:O}")) + $" lead {status}");
            Assert.Equal(LeadStatus.Booked, status);
        }
        Assert.True(outcomes.Count == 1, string.Join("\n", outcomes));
    }

    [Fact]
    public async Task Fail_a_booking_whose_times_do_not_parse_with_the_reason_and_change_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        var lead = await fixture.CreateLeadAsync(tenant, "+12125550171", "badtime@example.com");
        var uid = "bad_" + Guid.NewGuid().ToString("N");
        var body = Cal("BOOKING_CREATED", uid, "2026-05-01T15:00:00Z", "2026-04-20T10:00:00.000Z", leadId: lead.ToString())
            .Replace("\"startTime\":\"2026-05-01T15:00:00Z\"", "\"startTime\":\"next tuesday\"");

        var (id, outcome) = await ApplyWithIdAsync(tenant, "calcom", "BOOKING_CREATED", body);

        Assert.Equal("failed", outcome);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id = '{id}' AND attempts = 1 AND error LIKE 'startTime is not a time%'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE provider_booking_uid = '{uid}'"));
        Assert.Equal(LeadStatus.New, await LeadStatusAsync(tenant, lead));
    }

    [Fact]
    public async Task Issue_an_invoice_at_the_same_time_whichever_of_finalized_and_paid_comes_first()
    {
        var issued = new HashSet<string>();
        foreach (var paidFirst in new[] { false, true })
        {
            var tenant = await fixture.CreateTenantAsync();
            var finalized = StripeEvents.Invoice("invoice.finalized", "in_" + tenant.Slug, "cus_" + tenant.Slug, created: 1767610800);
            var paid = StripeEvents.Invoice("invoice.paid", "in_" + tenant.Slug, "cus_" + tenant.Slug, status: "paid", created: 1767697200);
            foreach (var (type, body) in paidFirst ? new[] { ("invoice.paid", paid), ("invoice.finalized", finalized) } : [("invoice.finalized", finalized), ("invoice.paid", paid)])
                Assert.Equal("processed", await ApplyAsync(tenant, "stripe", type, body));
            issued.Add(await fixture.TextAsync($"SELECT status || ' ' || issued_at FROM invoices WHERE stripe_invoice_id = 'in_{tenant.Slug}'") ?? "none");
        }
        Assert.Equal(["paid 2026-01-05 11:00:00+00"], issued);
    }

    [Fact]
    public async Task Fail_an_invoice_event_that_collides_with_another_invoice_at_once_with_the_reason()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            db.Invoices.Add(new Invoice { Kind = InvoiceKind.Usage, Period = "2026-10", StripeInvoiceId = "in_ours_" + tenant.Slug, AmountCents = 1234, StripeStep = InvoiceStep.Sent });
            return await db.SaveChangesAsync();
        });
        var body = StripeEvents.Invoice("invoice.finalized", "in_theirs_" + tenant.Slug, "cus_" + tenant.Slug, metadata: "{\"kind\":\"usage\",\"period\":\"2026-10\"}");

        var (id, outcome) = await ApplyWithIdAsync(tenant, "stripe", "invoice.finalized", body);

        Assert.Equal("failed", outcome);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id = '{id}' AND error LIKE '%usage period 2026-10%in_ours_%'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM invoices WHERE stripe_invoice_id = 'in_theirs_{tenant.Slug}'"));
    }

    [Fact]
    public async Task Stop_retrying_a_failing_event_after_bounded_attempts_count_it_and_apply_it_when_replayed()
    {
        var tenant = await fixture.CreateTenantAsync();
        var lead = await fixture.CreateLeadAsync(tenant, "+12125550172", "boom@example.com");
        var uid = "boom_" + Guid.NewGuid().ToString("N");
        // a fault the event cannot know about (a database that refuses this row for now)
        await fixture.ExecuteAsync($"""
            CREATE FUNCTION refuse_{uid}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
              IF NEW.provider_booking_uid = '{uid}' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse_{uid} BEFORE INSERT ON appointments FOR EACH ROW EXECUTE FUNCTION refuse_{uid}();
            """);
        var id = (await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("calcom", "BOOKING_CREATED:" + uid, "BOOKING_CREATED",
            Cal("BOOKING_CREATED", uid, "2026-05-01T15:00:00Z", "2026-04-20T10:00:00.000Z", leadId: lead.ToString()), default)))!.Value;

        var thrown = 0;
        for (var attempt = 0; attempt < WebhookEventProcessor.MaxAttempts + 2; attempt++)
        {
            try { await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default)); }
            catch (Exception) { thrown++; }
        }

        // retried (thrown) until the last attempt, then failed for good: later runs do nothing
        Assert.Equal(WebhookEventProcessor.MaxAttempts - 1, thrown);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id = '{id}' AND status = 'failed' AND attempts = {WebhookEventProcessor.MaxAttempts} AND error LIKE '%disk on fire%'"));
        // the jobs service's sweep refreshes the alertable gauge
        using var scope = fixture.Jobs.Services.CreateScope();
        var sweep = scope.ServiceProvider;
        await ActivatorUtilities.CreateInstance<WebhookEventSweep>(sweep).RunAsync(TimeSpan.FromDays(365), default);
        Assert.True(sweep.GetRequiredService<WebhookMetrics>().Unresolved.Failed >= 1);

        // fixed, replayed: applied like a new event
        await fixture.ExecuteAsync($"DROP TRIGGER refuse_{uid} ON appointments; DROP FUNCTION refuse_{uid}();");
        var replayed = await sweep.GetRequiredService<WebhookEventAdmin>().ReplayAsync([id], default);
        Assert.Equal([id], replayed);
        Assert.True(await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default)));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id = '{id}' AND status = 'processed' AND error IS NULL"));
        Assert.Equal(LeadStatus.Booked, await LeadStatusAsync(tenant, lead));
    }

    [Fact]
    public async Task Apply_a_call_whose_transcript_carries_text_the_database_cannot_store_with_it_replaced()
    {
        var tenant = await fixture.CreateTenantAsync();
        var callId = "call_" + Guid.NewGuid().ToString("N");
        var body = $"{{\"event\":\"call_ended\",\"call\":{{\"call_id\":\"{callId}\",\"call_status\":\"ended\",\"transcript\":\"Agent: hi\\u0000 there \\ud800!\"}}}}";

        Assert.Equal("processed", await ApplyAsync(tenant, "retell", "call_ended", body));
        Assert.Equal("Agent: hi\uFFFD there \uFFFD!", await fixture.TextAsync($"SELECT transcript FROM call_logs WHERE provider_call_id = '{callId}'"));
    }

    [Fact]
    public async Task Continue_the_delivering_requests_trace_when_the_event_is_processed()
    {
        var tenant = await fixture.CreateTenantAsync();
        var processed = new List<System.Diagnostics.Activity>();
        using var listener = ListenToCallvia(processed);
        var callId = "call_" + Guid.NewGuid().ToString("N");

        // the webhook request, as ASP.NET Core traces it when telemetry is on
        Guid id;
        string traceId;
        using (var request = new System.Diagnostics.Activity("POST /api/webhooks/retell").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start())
        {
            traceId = request.TraceId.ToString();
            id = (await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("retell", callId + ":call_ended", "call_ended",
                $"{{\"event\":\"call_ended\",\"call\":{{\"call_id\":\"{callId}\",\"call_status\":\"ended\"}}}}", default)))!.Value;
            Assert.Equal(request.Id, await fixture.TextAsync($"SELECT trace_parent FROM events WHERE id = '{id}'"));
        }
        // later, in the jobs service, outside that request
        Assert.Null(System.Diagnostics.Activity.Current);
        Assert.True(await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default)));

        var processing = Assert.Single(processed, a => a.GetTagItem("callvia.event.id") is Guid g && g == id);
        Assert.Equal(traceId, processing.TraceId.ToString());
        Assert.Equal(System.Diagnostics.ActivityKind.Consumer, processing.Kind);
    }

    [Fact]
    public async Task Keep_a_batchs_lookups_and_save_in_its_events_trace_or_linked_to_each_of_them()
    {
        var tenant = await fixture.CreateTenantAsync();
        var stopped = new List<System.Diagnostics.Activity>();
        using var listener = ListenToCallvia(stopped);
        async Task<(Guid Id, string TraceId)> DeliverAsync()
        {
            var callId = "call_" + Guid.NewGuid().ToString("N");
            using var request = new System.Diagnostics.Activity("POST /api/webhooks/retell").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
            var id = (await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("retell", callId + ":call_started", "call_started",
                $"{{\"event\":\"call_started\",\"call\":{{\"call_id\":\"{callId}\",\"call_status\":\"ongoing\",\"start_timestamp\":1764590400000}}}}", default)))!.Value;
            return (id, request.TraceId.ToString());
        }
        System.Diagnostics.Activity Span(Guid id) => Assert.Single(stopped, a => a.GetTagItem("callvia.event.id") is Guid g && g == id);

        // one event: the batch (its lookups, its save) continues the event's trace, the event's span is under it
        var (alone, aloneTrace) = await DeliverAsync();
        Assert.Empty(await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessBatchAsync([alone], default)));
        var batch = Assert.Single(stopped, a => a.OperationName == "webhook.process batch" && a.TraceId.ToString() == aloneTrace);
        Assert.Equal(batch.SpanId, Span(alone).ParentSpanId);

        // events of two requests: the batch is a new trace linked to both; each event's span continues its request's
        var (first, firstTrace) = await DeliverAsync();
        var (second, secondTrace) = await DeliverAsync();
        Assert.Empty(await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessBatchAsync([first, second], default)));
        var linked = Assert.Single(stopped, a => a.OperationName == "webhook.process batch" && a.Links.Count() == 2);
        Assert.Equal(new[] { firstTrace, secondTrace }.Order(), linked.Links.Select(l => l.Context.TraceId.ToString()).Order());
        Assert.Equal(firstTrace, Span(first).TraceId.ToString());
        Assert.Equal(secondTrace, Span(second).TraceId.ToString());
    }

    /// <summary>Records every stopped activity of the "Callvia" source, as an exporter would see them.</summary>
    private static System.Diagnostics.ActivityListener ListenToCallvia(List<System.Diagnostics.Activity> stopped)
    {
        var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == "Callvia",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) stopped.Add(a); },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private async Task<string> ApplyAsync(TestTenant tenant, string provider, string type, string body) =>
        (await ApplyWithIdAsync(tenant, provider, type, body)).Outcome;

    private async Task<(Guid Id, string Outcome)> ApplyWithIdAsync(TestTenant tenant, string provider, string type, string body)
    {
        var id = (await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync(provider, Guid.NewGuid().ToString("N"), type, body, default)))!.Value;
        await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default));
        return (id, (await fixture.TextAsync($"SELECT status FROM events WHERE id = '{id}'"))!);
    }

    private Task<LeadStatus> LeadStatusAsync(TestTenant tenant, Guid lead) =>
        fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<CallviaDbContext>().Leads.Where(l => l.Id == lead).Select(l => l.Status).SingleAsync());

    private static IEnumerable<int[]> Permutations(int[] items) => items.Length <= 1 ? [items]
        : items.SelectMany(x => Permutations(items.Where(y => y != x).ToArray()).Select(rest => new[] { x }.Concat(rest).ToArray()));
}
