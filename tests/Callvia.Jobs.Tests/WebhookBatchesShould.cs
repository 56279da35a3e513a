using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// A batch of a tenant's events is applied in one transaction (<see cref="WebhookEventProcessor.ProcessBatchAsync"/>):
/// each event's effects with its processed mark, a bad event failing alone, and batches that overlap or run at the same
/// time (two workers, two jobs-service instances) ending in the same state as one by one, with nothing applied twice.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class WebhookBatchesShould(JobsFixture fixture)
{
    private static string Call(string type, string callId, Guid lead, int durationMs = 0) =>
        $"{{\"event\":\"{type}\",\"call\":{{\"call_id\":\"{callId}\",\"call_status\":\"{(type == "call_started" ? "ongoing" : "ended")}\"," +
        $"\"start_timestamp\":1764590400000{(type == "call_started" ? "" : $",\"end_timestamp\":{1764590400000 + durationMs},\"duration_ms\":{durationMs}")}," +
        $"\"metadata\":{{\"lead_id\":\"{lead}\"}}}}}}";

    private static string Booking(string uid, Guid lead, string start = "2026-05-01T15:00:00Z") =>
        $"{{\"triggerEvent\":\"BOOKING_CREATED\",\"createdAt\":\"2026-04-20T10:00:00.000Z\",\"payload\":{{\"uid\":\"{uid}\",\"startTime\":\"{start}\"," +
        $"\"endTime\":\"2026-05-01T15:30:00Z\",\"attendees\":[{{\"name\":\"Dana\",\"email\":\"nobody@example.com\"}}],\"metadata\":{{\"leadId\":\"{lead}\"}}}}}}";

    [Fact]
    public async Task Apply_a_batch_together_and_fail_a_bad_event_alone()
    {
        var tenant = await fixture.CreateTenantAsync();
        var lead = await fixture.CreateLeadAsync(tenant, "+12125550181", "batch@example.com");
        var u = Guid.NewGuid().ToString("N");
        var good1 = await StoreAsync(tenant, "retell", "call_started", Call("call_started", "c1" + u, lead));
        var poison = await StoreAsync(tenant, "calcom", "BOOKING_CREATED", Booking("bad" + u, lead, start: "not a time"));
        var good2 = await StoreAsync(tenant, "retell", "call_ended", Call("call_ended", "c1" + u, lead, 61_000));
        var good3 = await StoreAsync(tenant, "calcom", "BOOKING_CREATED", Booking("b" + u, lead));

        var errors = await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessBatchAsync([good1, poison, good2, good3], default));

        Assert.Empty(errors);
        Assert.Equal(3, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id IN ('{good1}', '{good2}', '{good3}') AND status = 'processed' AND attempts = 1"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id = '{poison}' AND status = 'failed' AND error LIKE '%startTime%'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM usage_records u JOIN call_logs c ON c.id = u.call_log_id WHERE c.provider_call_id = 'c1{u}' AND u.seconds = 61"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE provider_booking_uid = 'bad{u}'"));
        Assert.Equal(LeadStatus.Booked, await LeadStatusAsync(tenant, lead));
    }

    [Fact]
    public async Task Apply_a_batch_of_good_events_together_in_one_save_not_event_by_event()
    {
        var tenant = await fixture.CreateTenantAsync();
        var lead = await fixture.CreateLeadAsync(tenant, "+12125550183", "together@example.com");
        var other = await fixture.CreateLeadAsync(tenant, "+12125550184", "other@example.com");
        var u = Guid.NewGuid().ToString("N");
        // one call's three events and a second call, a booking, its reschedule, and a booking of another lead
        var ids = new List<Guid>
        {
            await StoreAsync(tenant, "retell", "call_started", Call("call_started", "t1" + u, lead)),
            await StoreAsync(tenant, "retell", "call_ended", Call("call_ended", "t1" + u, lead, 30_000)),
            await StoreAsync(tenant, "retell", "call_analyzed", Call("call_analyzed", "t1" + u, lead, 30_000)),
            await StoreAsync(tenant, "retell", "call_ended", Call("call_ended", "t2" + u, other, 5_000)),
            await StoreAsync(tenant, "calcom", "BOOKING_CREATED", Booking("k1" + u, lead)),
            await StoreAsync(tenant, "calcom", "BOOKING_RESCHEDULED", Rescheduled("k2" + u, "k1" + u, lead)),
            await StoreAsync(tenant, "calcom", "BOOKING_CREATED", Booking("k3" + u, other)),
        };
        var metrics = fixture.Services.GetRequiredService<WebhookMetrics>();
        var split = metrics.BatchesSplit;
        var calls = $"SELECT coalesce(sum(calls), 0) FROM kpi_daily_calls WHERE client_id = '{tenant.Id}'";
        var booked = $"SELECT coalesce(sum(booked), 0) FROM kpi_daily_appointments WHERE client_id = '{tenant.Id}'";
        var (callsBefore, bookedBefore) = (await fixture.CountAsync(calls), await fixture.CountAsync(booked));

        var errors = await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessBatchAsync(ids, default));

        Assert.Empty(errors);
        Assert.Equal(split, metrics.BatchesSplit); // applied as one batch, not split into events
        Assert.Equal(ids.Count, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id IN ('{string.Join("','", ids)}') AND status = 'processed' AND attempts = 1"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM call_logs WHERE provider_call_id = 't1{u}' AND status = 'ended' AND duration_seconds = 30 AND lead_id = '{lead}'"));
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM usage_records u JOIN call_logs c ON c.id = u.call_log_id WHERE c.provider_call_id IN ('t1{u}', 't2{u}')"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE provider_booking_uid = 'k1{u}' AND status = 'cancelled'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE provider_booking_uid = 'k2{u}' AND status = 'booked' AND lead_id = '{lead}' AND rescheduled_from_uid = 'k1{u}'"));
        Assert.Equal(LeadStatus.Booked, await LeadStatusAsync(tenant, lead));
        Assert.Equal(LeadStatus.Booked, await LeadStatusAsync(tenant, other));
        // the rollups saw every row of the batch: 2 calls, 2 bookings (the reschedule is not a new one)
        Assert.Equal(callsBefore + 2, await fixture.CountAsync(calls));
        Assert.Equal(bookedBefore + 2, await fixture.CountAsync(booked));
    }

    private static string Rescheduled(string uid, string from, Guid lead) =>
        $"{{\"triggerEvent\":\"BOOKING_RESCHEDULED\",\"createdAt\":\"2026-04-21T10:00:00.000Z\",\"payload\":{{\"uid\":\"{uid}\",\"rescheduleUid\":\"{from}\"," +
        $"\"startTime\":\"2026-05-02T15:00:00Z\",\"endTime\":\"2026-05-02T15:30:00Z\",\"rescheduleStartTime\":\"2026-05-01T15:00:00Z\"," +
        $"\"attendees\":[{{\"name\":\"Dana\",\"email\":\"nobody@example.com\"}}],\"metadata\":{{\"leadId\":\"{lead}\"}}}}}}";

    [Fact]
    public async Task Keep_a_retryable_failure_for_its_retry_and_apply_the_rest()
    {
        var tenant = await fixture.CreateTenantAsync();
        var lead = await fixture.CreateLeadAsync(tenant, "+12125550182", "retry@example.com");
        var u = Guid.NewGuid().ToString("N");
        await fixture.ExecuteAsync($"""
            CREATE FUNCTION refuse_{u}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
              IF NEW.provider_booking_uid = 'x{u}' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse_{u} BEFORE INSERT ON appointments FOR EACH ROW EXECUTE FUNCTION refuse_{u}();
            """);
        try
        {
            var good = await StoreAsync(tenant, "retell", "call_started", Call("call_started", "c" + u, lead));
            var failing = await StoreAsync(tenant, "calcom", "BOOKING_CREATED", Booking("x" + u, lead));

            var errors = await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessBatchAsync([failing, good], default));

            Assert.Contains("disk on fire", Assert.Single(errors).ToString());
            Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id = '{good}' AND status = 'processed'"));
            // counted once, left for the job's retry and the sweep
            Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id = '{failing}' AND status = 'received' AND attempts = 1 AND error LIKE '%disk on fire%'"));
        }
        finally
        {
            await fixture.ExecuteAsync($"DROP TRIGGER refuse_{u} ON appointments; DROP FUNCTION refuse_{u}();");
        }
    }

    [Fact]
    public async Task Reach_one_end_state_from_overlapping_batches_run_at_once()
    {
        var tenant = await fixture.CreateTenantAsync();
        var leads = new List<Guid>();
        for (var i = 0; i < 6; i++) leads.Add(await fixture.CreateLeadAsync(tenant, $"+1212555019{i}", $"overlap{i}@example.com"));
        var u = Guid.NewGuid().ToString("N");
        var ids = new List<Guid>();
        for (var i = 0; i < leads.Count; i++)
        {
            // each lead: a call started and ended (its usage), and a booking, in an order that differs per lead
            var events = new List<(string, string, string)>
            {
                ("retell", "call_started", Call("call_started", $"c{i}{u}", leads[i])),
                ("retell", "call_ended", Call("call_ended", $"c{i}{u}", leads[i], 30_000 + i * 1000)),
                ("calcom", "BOOKING_CREATED", Booking($"b{i}{u}", leads[i])),
            };
            if (i % 2 == 1) events.Reverse();
            foreach (var (provider, type, body) in events) ids.Add(await StoreAsync(tenant, provider, type, body));
        }

        // four workers at once, each given an overlapping, differently ordered share of the events
        var random = new Random(12);
        var shares = Enumerable.Range(0, 4).Select(_ => ids.Where(_ => random.Next(3) > 0).OrderBy(_ => random.Next()).ToArray()).ToList();
        shares.Add([.. ids]);
        var errors = await Task.WhenAll(shares.Select(share => Task.Run(() =>
            fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessBatchAsync(share, default)))));

        Assert.All(errors, Assert.Empty);
        Assert.Equal(ids.Count, await fixture.CountAsync($"SELECT count(*) FROM events WHERE client_id = '{tenant.Id}' AND status = 'processed' AND attempts = 1"));
        Assert.Equal(leads.Count, await fixture.CountAsync($"SELECT count(*) FROM call_logs WHERE provider_call_id LIKE '%{u}'"));
        Assert.Equal(Enumerable.Range(0, leads.Count).Sum(i => 30 + i), await fixture.CountAsync(
            $"SELECT coalesce(sum(u.seconds), 0) FROM usage_records u JOIN call_logs c ON c.id = u.call_log_id WHERE c.provider_call_id LIKE '%{u}'"));
        Assert.Equal(leads.Count, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE provider_booking_uid LIKE '%{u}' AND lead_id IS NOT NULL"));
        foreach (var lead in leads) Assert.Equal(LeadStatus.Booked, await LeadStatusAsync(tenant, lead));
    }

    private async Task<Guid> StoreAsync(TestTenant tenant, string provider, string type, string body) =>
        (await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync(provider, Guid.NewGuid().ToString("N"), type, body, default)))!.Value;

    private Task<LeadStatus> LeadStatusAsync(TestTenant tenant, Guid lead) =>
        fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<CallviaDbContext>().Leads.Where(l => l.Id == lead).Select(l => l.Status).SingleAsync());
}
