using System.Text.Json;
using Callvia.Core.Appointments;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Core.Messaging;
using Callvia.Jobs.Appointments;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// After the appointment (<see cref="JobsInstances"/>): the check-in and its answer, the 48-hour verification by the
/// design's hierarchy, corrections by the client, and the rebook sequence with its stop conditions. In June 2026.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class VerificationShould(JobsFixture fixture) : JobsInstances(fixture, new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero))
{
    [Fact]
    public async Task Send_the_check_in_after_the_end_outside_quiet_hours_and_take_the_leads_yes()
    {
        var (host, tenant) = await HostAndTenantAsync();
        var lead = await LeadAsync(tenant, "+12125550130", "America/New_York", null);
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u + "day", "2026-06-10T14:00:00Z", lead);     // 10:00-10:30 EDT
        await BookAsync(tenant, "BOOKING_CREATED", u + "eve", "2026-06-12T00:20:00Z", lead);     // 20:20-20:50 EDT
        var day = (await MessagesAsync(tenant, u + "day")).Single(m => m.Kind == "checkin");
        Assert.Equal((MessageChannel.Sms, DateTimeOffset.Parse("2026-06-10T14:45:00Z")), (day.Channel, day.ScheduledFor!.Value));
        // 21:05 is inside quiet hours: the next morning at 08:00
        Assert.Equal(DateTimeOffset.Parse("2026-06-12T12:00:00Z"), (await MessagesAsync(tenant, u + "eve")).Single(m => m.Kind == "checkin").ScheduledFor);

        await DrainUntilAsync("2026-06-10T14:45:00Z");
        await SendDueAsync();
        day = (await MessagesAsync(tenant, u + "day")).Single(m => m.Kind == "checkin");
        Assert.Equal(MessageStatus.Sent, day.Status);
        Assert.Contains("did you make it to your appointment", day.Body);
        Assert.Single(Sms.Received, r => r.RawBody.Contains(day.Id.ToString()));

        await InHostAsync(host, tenant, async sp =>
        {
            var reply = JsonSerializer.Deserialize<JsonElement>("""{"originator":"12125550130","recipient":"14155550100","payload":" Yes! "}""");
            await sp.GetRequiredService<InboundSms>().ApplyAsync(reply, default);
            await sp.GetRequiredService<CallviaDbContext>().SaveChangesAsync();
            return 0;
        });
        var appointments = await AppointmentsAsync(tenant, u);
        Assert.True(appointments[u + "day"].LeadAnswer);
        Assert.Null(appointments[u + "eve"].LeadAnswer); // its check-in is not out yet: the yes is not its

        // STOP late at night: the one confirmation goes at once (quiet hours or not); the evening check-in never goes
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-06-11T03:00:00Z"));
        await InHostAsync(host, tenant, async sp =>
        {
            var stop = JsonSerializer.Deserialize<JsonElement>("""{"originator":"12125550130","recipient":"14155550100","payload":"STOP"}""");
            await sp.GetRequiredService<InboundSms>().ApplyAsync(stop, default);
            await sp.GetRequiredService<CallviaDbContext>().SaveChangesAsync();
            return 0;
        });
        await SendDueAsync();
        Assert.Single(Sms.Received, r => r.RawBody.Contains("will get no more messages from us") && r.RawBody.Contains("12125550130"));
        await DrainUntilAsync("2026-06-12T12:00:00Z");
        await SendDueAsync();
        var evening = (await MessagesAsync(tenant, u + "eve")).Single(m => m.Kind == "checkin");
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the lead opted out of messages."), (evening.Status, evening.Error));
    }

    [Fact]
    public async Task Verify_48_hours_after_the_end_by_the_hierarchy_and_say_which_rule_decided()
    {
        var (host, tenant) = await HostAndTenantAsync();
        await Fixture.ExecuteAsync($"UPDATE clients SET booking_url = 'https://cal.example.com/{tenant.Slug}/visit' WHERE id = '{tenant.Id}'");
        var u = Guid.NewGuid().ToString("N");
        var leads = new Dictionary<string, Guid>();
        foreach (var (name, i) in new[] { "client", "yes", "call", "short", "fresh" }.Select((n, i) => (n, i)))
        {
            leads[name] = await LeadAsync(tenant, $"+121255502{40 + i}", "America/New_York", $"{name}@example.com");
            await BookAsync(tenant, "BOOKING_CREATED", u + name, name == "fresh" ? "2026-06-15T15:00:00Z" : "2026-06-15T14:00:00Z", leads[name]);
        }
        var ids = (await AppointmentsAsync(tenant, u)).ToDictionary(kv => kv.Key[u.Length..], kv => kv.Value.Id);
        await Fixture.ExecuteAsync($"UPDATE appointments SET lead_answer = true, lead_answered_at = '2026-06-15T14:50:00Z' WHERE id = '{ids["yes"]}'");
        await CallAsync(host, tenant, leads["call"], "2026-06-15T13:52:00Z", 50);      // 8 min before the start, 50 s: counts
        await CallAsync(host, tenant, leads["short"], "2026-06-15T14:10:00Z", 45);     // not over 45 s
        await CallAsync(host, tenant, leads["short"], "2026-06-15T15:01:00Z", 300);    // 31 min after the end
        await CallAsync(host, tenant, leads["short"], "2026-06-15T13:49:00Z", 300);    // 11 min before the start
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-06-15T15:00:00Z"));
        var answered = await InHostAsync(host, tenant, sp => sp.GetRequiredService<AppointmentVerification>().RecordClientAnswerAsync(ids["client"], false, "Called to say sorry", default));
        Assert.Empty(answered.Issues);

        Clock.SetUtcNow(DateTimeOffset.Parse("2026-06-17T14:29:59Z"));
        await SweepAsync();
        Assert.Equal(AppointmentStatus.Booked, (await AppointmentsAsync(tenant, u))[u + "yes"].Status);

        Clock.SetUtcNow(DateTimeOffset.Parse("2026-06-17T14:30:00Z"));
        await SweepAsync();
        var after = (await AppointmentsAsync(tenant, u)).ToDictionary(kv => kv.Key[u.Length..], kv => kv.Value);
        Assert.Equal((AppointmentStatus.NoShow, VerificationSource.Client), (after["client"].Status, after["client"].VerificationSource));
        Assert.Equal(DateTimeOffset.Parse("2026-06-15T15:00:00Z"), after["client"].VerifiedAt); // the sweep left the client's answer alone
        Assert.Equal((AppointmentStatus.Shown, VerificationSource.Lead), (after["yes"].Status, after["yes"].VerificationSource));
        Assert.Equal("The lead replied YES to the check-in at 2026-06-15 14:50 UTC.", after["yes"].VerificationNote);
        Assert.Equal((AppointmentStatus.Shown, VerificationSource.Call), (after["call"].Status, after["call"].VerificationSource));
        Assert.Contains("50 s) started at 2026-06-15 13:52 UTC", after["call"].VerificationNote);
        Assert.Equal((AppointmentStatus.NoShow, VerificationSource.None), (after["short"].Status, after["short"].VerificationSource));
        Assert.StartsWith("No answer from the client within 48 hours", after["short"].VerificationNote);
        Assert.Equal(DateTimeOffset.Parse("2026-06-17T14:30:00Z"), after["short"].VerifiedAt);
        Assert.Equal(AppointmentStatus.Booked, after["fresh"].Status); // its 48 hours are not over

        // a no-show starts the rebook sequence: at once (10:30 EDT), the email 2 days later, the last text 4 days later
        var rebook = (await MessagesAsync(tenant, u + "short")).Where(m => m.Kind.StartsWith("rebook")).ToList();
        Assert.Equal([("rebook_1", MessageChannel.Sms, "2026-06-17T14:30:00Z"), ("rebook_2", MessageChannel.Email, "2026-06-19T14:30:00Z"), ("rebook_3", MessageChannel.Sms, "2026-06-21T14:30:00Z")],
            rebook.Select(m => (m.Kind, m.Channel, m.ScheduledFor!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"))).ToList());
        Assert.Contains($"https://cal.example.com/{tenant.Slug}/visit", rebook[0].Body);
        Assert.Equal("short@example.com", rebook[1].ToAddress);
        // the client's no started it at the answer; the shown ones have none
        Assert.Equal(DateTimeOffset.Parse("2026-06-15T15:00:00Z"), (await MessagesAsync(tenant, u + "client")).Single(m => m.Kind == "rebook_1").ScheduledFor);
        Assert.DoesNotContain((await MessagesAsync(tenant, u + "yes")).Concat(await MessagesAsync(tenant, u + "call")), m => m.Kind.StartsWith("rebook"));
    }

    [Fact]
    public async Task Let_a_later_client_answer_correct_the_rule_and_stop_or_restart_the_rebook_sequence()
    {
        var (host, tenant) = await HostAndTenantAsync();
        await Fixture.ExecuteAsync($"UPDATE clients SET booking_url = 'https://cal.example.com/{tenant.Slug}' WHERE id = '{tenant.Id}'");
        var lead = await LeadAsync(tenant, "+12125550260", "America/New_York", "fix@example.com");
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u, "2026-06-20T14:00:00Z", lead);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-06-22T14:30:00Z"));
        await SweepAsync();
        await SendDueAsync(); // the first rebook text goes at once
        var id = (await AppointmentsAsync(tenant, u))[u].Id;
        Assert.Equal(MessageStatus.Sent, (await MessagesAsync(tenant, u)).Single(m => m.Kind == "rebook_1").Status);

        Clock.SetUtcNow(DateTimeOffset.Parse("2026-06-23T09:00:00Z"));
        var corrected = await InHostAsync(host, tenant, sp => sp.GetRequiredService<AppointmentVerification>().RecordClientAnswerAsync(id, true, null, default));
        Assert.True(corrected.Changed);
        Assert.Equal((AppointmentStatus.Shown, VerificationSource.Client), (corrected.Appointment!.Status, corrected.Appointment.VerificationSource));
        var stopped = (await MessagesAsync(tenant, u)).Where(m => m.Kind.StartsWith("rebook")).ToDictionary(m => m.Kind);
        Assert.Equal(MessageStatus.Sent, stopped["rebook_1"].Status);
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the client answered that the lead came."), (stopped["rebook_2"].Status, stopped["rebook_2"].Error));
        Assert.Equal(MessageStatus.Cancelled, stopped["rebook_3"].Status);

        // and back: the steps never sent come back, counted from the new answer
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-06-23T10:00:00Z"));
        await InHostAsync(host, tenant, sp => sp.GetRequiredService<AppointmentVerification>().RecordClientAnswerAsync(id, false, null, default));
        var restarted = (await MessagesAsync(tenant, u)).Where(m => m.Kind.StartsWith("rebook")).ToDictionary(m => m.Kind);
        Assert.Equal(MessageStatus.Sent, restarted["rebook_1"].Status); // never twice
        Assert.Equal((MessageStatus.Scheduled, DateTimeOffset.Parse("2026-06-25T10:00:00Z")), (restarted["rebook_2"].Status, restarted["rebook_2"].ScheduledFor!.Value));
        Assert.Equal(MessageStatus.Scheduled, restarted["rebook_3"].Status);
        Assert.Single(Sms.Received, r => r.RawBody.Contains(restarted["rebook_1"].Id.ToString()));
    }

    [Fact]
    public async Task Stop_the_rebook_sequence_when_the_lead_books_again_or_opts_out_and_refuse_it_without_a_booking_page()
    {
        var (_, tenant) = await HostAndTenantAsync();
        await Fixture.ExecuteAsync($"UPDATE clients SET booking_url = 'https://cal.example.com/{tenant.Slug}' WHERE id = '{tenant.Id}'");
        var rebooks = await LeadAsync(tenant, "+12125550270", "America/New_York", "again@example.com");
        var leaves = await LeadAsync(tenant, "+12125550271", "America/New_York", "leaves@example.com");
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u + "1", "2026-06-25T14:00:00Z", rebooks);
        await BookAsync(tenant, "BOOKING_CREATED", u + "2", "2026-06-25T14:00:00Z", leaves);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-06-27T14:30:00Z"));
        await SweepAsync();
        await SendDueAsync();

        await BookAsync(tenant, "BOOKING_CREATED", u + "3", "2026-07-02T14:00:00Z", rebooks);
        var first = (await MessagesAsync(tenant, u + "1")).Where(m => m.Kind.StartsWith("rebook")).ToDictionary(m => m.Kind);
        Assert.Equal(MessageStatus.Sent, first["rebook_1"].Status);
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the lead booked again."), (first["rebook_2"].Status, first["rebook_2"].Error));
        Assert.Equal(MessageStatus.Cancelled, first["rebook_3"].Status);

        await Fixture.ExecuteAsync($"UPDATE leads SET opted_out_at = now() WHERE id = '{leaves}'");
        await DrainUntilAsync("2026-06-29T14:30:00Z");
        await SendDueAsync();
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the lead opted out of messages."),
            (await MessagesAsync(tenant, u + "2")).Where(m => m.Kind == "rebook_2").Select(m => (m.Status, m.Error)).Single());
        Assert.DoesNotContain(Email.Received, r => r.RawBody.Contains("leaves@example.com"));

        // a client without a booking page: there is nothing to send the lead to
        var (_, bare) = await HostAndTenantAsync();
        var lone = await LeadAsync(bare, "+12125550272", "America/New_York", null);
        var v = Guid.NewGuid().ToString("N");
        await BookAsync(bare, "BOOKING_CREATED", v, "2026-06-30T14:00:00Z", lone);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-07-02T14:30:00Z"));
        await SweepAsync();
        await SendDueAsync();
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the client has no booking page to link to."),
            (await MessagesAsync(bare, v)).Where(m => m.Kind == "rebook_1").Select(m => (m.Status, m.Error)).Single());
    }

    [Fact]
    public async Task Verify_each_appointment_once_with_two_instances_sweeping_at_once()
    {
        var (_, tenant) = await HostAndTenantAsync();
        await DispatcherAsync(); // a second instance
        var u = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 40; i++)
        {
            var lead = await LeadAsync(tenant, $"+1212555{3000 + i}", "America/New_York", null);
            await BookAsync(tenant, "BOOKING_CREATED", $"{u}{i:D2}", "2026-07-05T14:00:00Z", lead);
        }
        for (var i = 0; i < 40; i += 2)
            await Fixture.ExecuteAsync($"UPDATE appointments SET lead_answer = true WHERE provider_booking_uid = '{u}{i:D2}'");
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-07-07T15:00:00Z"));
        await Task.WhenAll(SweepAsync(0), SweepAsync(1), SweepAsync(0), SweepAsync(1));

        var rows = await AppointmentsAsync(tenant, u);
        Assert.Equal(20, rows.Values.Count(a => a is { Status: AppointmentStatus.Shown, VerificationSource: VerificationSource.Lead }));
        Assert.Equal(20, rows.Values.Count(a => a is { Status: AppointmentStatus.NoShow, VerificationSource: VerificationSource.None }));
        Assert.All(rows.Values, a => Assert.Equal(DateTimeOffset.Parse("2026-07-07T15:00:00Z"), a.VerifiedAt));
        Assert.Equal(20, (await MessagesAsync(tenant, u)).Count(m => m.Kind == "rebook_1"));
    }

    // ---- helpers

    private Task<AppointmentVerification.SweepResult> SweepAsync(int instance = 0) =>
        ActivatorUtilities.CreateInstance<VerificationSweep>(Hosts[instance].Services).RunAsync(default);

    private Task<Guid> CallAsync(Microsoft.Extensions.Hosting.IHost host, TestTenant tenant, Guid lead, string startedAt, int seconds) => InHostAsync(host, tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var started = DateTimeOffset.Parse(startedAt);
        var call = new CallLog { LeadId = lead, ProviderCallId = "call_" + Guid.NewGuid().ToString("N"), Status = CallStatus.Ended, StartedAt = started,
            EndedAt = started.AddSeconds(seconds), DurationSeconds = seconds };
        db.CallLogs.Add(call);
        await db.SaveChangesAsync();
        return call.Id;
    });

    private Task<Dictionary<string, Appointment>> AppointmentsAsync(TestTenant tenant, string prefix) => InHostAsync(Hosts[0], tenant, sp =>
        sp.GetRequiredService<CallviaDbContext>().Appointments.AsNoTracking().Where(a => a.ProviderBookingUid.StartsWith(prefix)).ToDictionaryAsync(a => a.ProviderBookingUid));
}
