using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Webhooks;
using Callvia.Jobs.Webhooks;
using Callvia.Testing;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

[Collection(JobsCollection.Name)]
public sealed class RetellProcessingShould(JobsFixture fixture)
{
    private const long Start = 1767610800000, End = 1767610932000; // 132 s

    private static string Event(string type, string callId, Guid leadId, string outcome = "appointment_set", bool connected = true)
    {
        var meta = $"\"metadata\":{{\"client_id\":\"x\",\"lead_id\":\"{leadId}\"}}";
        var common = $"\"call_type\":\"phone_call\",\"call_id\":\"{callId}\",\"direction\":\"outbound\",\"from_number\":\"+14155550100\",\"to_number\":\"+12125550175\",{meta}";
        var ended = connected
            ? $"\"call_status\":\"ended\",\"start_timestamp\":{Start},\"end_timestamp\":{End},\"duration_ms\":132000,\"disconnection_reason\":\"agent_hangup\",\"transcript\":\"Agent: Hi\",\"recording_url\":\"https://example.invalid/r.wav\""
            : $"\"call_status\":\"not_connected\",\"end_timestamp\":{End},\"duration_ms\":0,\"disconnection_reason\":\"dial_no_answer\"";
        return type switch
        {
            "call_started" => $"{{\"event\":\"call_started\",\"call\":{{{common},\"call_status\":\"ongoing\",\"start_timestamp\":{Start}}}}}",
            "call_ended" => $"{{\"event\":\"call_ended\",\"call\":{{{common},{ended}}}}}",
            _ => $"{{\"event\":\"call_analyzed\",\"call\":{{{common},{ended},\"call_analysis\":{{\"call_summary\":\"Booked.\",\"user_sentiment\":\"Positive\",\"call_successful\":true,\"custom_analysis_data\":{{\"outcome\":\"{outcome}\"}}}}}}}}",
        };
    }

    public static TheoryData<string[]> Orders => new()
    {
        new[] { "call_started", "call_ended", "call_analyzed" },
        new[] { "call_started", "call_analyzed", "call_ended" },
        new[] { "call_ended", "call_started", "call_analyzed" },
        new[] { "call_ended", "call_analyzed", "call_started" },
        new[] { "call_analyzed", "call_started", "call_ended" },
        new[] { "call_analyzed", "call_ended", "call_started" },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Reach_the_same_result_in_any_order_with_duplicates(string[] order)
    {
        var tenant = await fixture.CreateTenantAsync();
        var leadId = await fixture.CreateLeadAsync(tenant, "+12125550175");
        var callId = "call_" + Guid.NewGuid().ToString("N");
        var ids = new List<Guid>();
        foreach (var type in order)
            ids.Add(await StoreAsync(tenant, type, Event(type, callId, leadId)));
        foreach (var id in ids.Concat(ids)) // every event twice
            await ProcessAsync(tenant, id);

        var result = await SnapshotAsync(tenant, callId, leadId);
        Assert.Equal("ended|132|agent_hangup|Agent: Hi|Booked.|Positive|appointment_set|booked|usage 1: 132 s, 0.440000|suppressed 0|processed 3", result);
    }

    [Fact]
    public async Task Suppress_the_number_of_a_lead_who_is_not_interested_once()
    {
        var tenant = await fixture.CreateTenantAsync();
        var leadId = await fixture.CreateLeadAsync(tenant, "+12125550142");
        var callId = "call_" + Guid.NewGuid().ToString("N");
        var analyzed = await StoreAsync(tenant, "call_analyzed", Event("call_analyzed", callId, leadId, "not_interested"));
        await ProcessAsync(tenant, analyzed);
        await ProcessAsync(tenant, analyzed);
        Assert.EndsWith("|not_interested|dnc|usage 1: 132 s, 0.440000|suppressed 1|processed 1", await SnapshotAsync(tenant, callId, leadId, "+12125550142"));
    }

    [Fact]
    public async Task End_a_call_that_never_connected_without_contacting_the_lead()
    {
        var tenant = await fixture.CreateTenantAsync();
        var leadId = await fixture.CreateLeadAsync(tenant, "+12125550143");
        var callId = "call_" + Guid.NewGuid().ToString("N");
        foreach (var type in new[] { "call_ended", "call_analyzed" })
            await ProcessAsync(tenant, await StoreAsync(tenant, type, Event(type, callId, leadId, outcome: "none", connected: false)));
        Assert.Equal("ended|0|dial_no_answer||Booked.|Positive|none|new|usage 1: 0 s, 0.000000|suppressed 0|processed 2", await SnapshotAsync(tenant, callId, leadId, "+12125550143"));
    }

    [Fact]
    public async Task Process_stored_events_through_the_jobs_service_including_ones_whose_job_was_lost()
    {
        var tenant = await fixture.CreateTenantAsync();
        var leadId = await fixture.CreateLeadAsync(tenant, "+12125550144");
        var callId = "call_" + Guid.NewGuid().ToString("N");
        var enqueued = await StoreAsync(tenant, "call_started", Event("call_started", callId, leadId));
        var lost = await StoreAsync(tenant, "call_analyzed", Event("call_analyzed", callId, leadId));
        var jobs = fixture.Jobs.Services.GetRequiredService<IBackgroundJobClient>();

        ProcessWebhookEventJob.Enqueue(jobs, [enqueued], tenant.Id);
        // the sweep (normally every minute, for events older than 30 s) finds the one nobody enqueued
        await using (var scope = fixture.Jobs.Services.CreateAsyncScope())
            Assert.True(await ActivatorUtilities.CreateInstance<WebhookEventSweep>(scope.ServiceProvider).RunAsync(TimeSpan.Zero, default) >= 1);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await fixture.CountAsync($"SELECT count(*) FROM events WHERE id IN ('{enqueued}', '{lost}') AND status = 'processed'") < 2)
            await Task.Delay(100, timeout.Token);
        Assert.EndsWith("|appointment_set|booked|usage 1: 132 s, 0.440000|suppressed 0|processed 2", await SnapshotAsync(tenant, callId, leadId, "+12125550144"));
    }


    private Task<Guid> StoreAsync(TestTenant tenant, string type, string body) =>
        fixture.InTenantAsync(tenant, async sp =>
            (await sp.GetRequiredService<WebhookInbox>().AcceptAsync("retell", $"{body.GetHashCode()}:{type}:{Guid.NewGuid()}", type, body, default))!.Value);

    private Task ProcessAsync(TestTenant tenant, Guid eventId) =>
        fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(eventId, default));

    private Task<string> SnapshotAsync(TestTenant tenant, string callId, Guid leadId, string phone = "+12125550175") =>
        fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var log = await db.CallLogs.SingleAsync(c => c.ProviderCallId == callId);
            var lead = await db.Leads.SingleAsync(l => l.Id == leadId);
            var usage = await db.UsageRecords.Where(u => u.CallLogId == log.Id).ToListAsync();
            var suppressed = await db.Suppressions.CountAsync(s => s.PhoneE164 == phone);
            var processed = await db.Events.CountAsync(e => e.Payload.Contains(callId) && e.Status == EventStatus.Processed);
            Assert.Equal(leadId, log.LeadId);
            return string.Join('|',
                Core.Data.SnakeCaseEnum<CallStatus>.ToDb(log.Status), log.DurationSeconds, log.DisconnectionReason, log.Transcript, log.Summary,
                log.Sentiment, log.Outcome, Core.Data.SnakeCaseEnum<LeadStatus>.ToDb(lead.Status),
                $"usage {usage.Count}: {usage.Sum(u => u.Seconds)} s, {usage.Sum(u => u.Cost):F6}", $"suppressed {suppressed}", $"processed {processed}");
        });
}
