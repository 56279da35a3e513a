using Callvia.Core.Messaging;
using Callvia.Jobs.Messaging;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// Reminders end to end (<see cref="JobsInstances"/>): Cal.com bookings plan them, jobs-service instances send them on an
/// injected clock to the fake providers. In March and April 2026; every assertion is about the test's own tenant.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class RemindersShould(JobsFixture fixture) : JobsInstances(fixture, new DateTimeOffset(2026, 3, 6, 12, 0, 0, TimeSpan.Zero))
{

    [Fact]
    public async Task Schedule_the_reminders_in_the_leads_zone_across_dst_and_quiet_hours_and_send_each_once_at_its_time()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var la = await LeadAsync(tenant, "+13105550111", "America/Los_Angeles", "dana@example.com");
        var ny = await LeadAsync(tenant, "+12125550112", "America/New_York", "sam@example.com");
        var u = Guid.NewGuid().ToString("N");
        // Sunday 8 March 2026, the day clocks go forward: 13:00 PDT in Los Angeles; 24 h before is 12:00 PST
        await BookAsync(tenant, "BOOKING_CREATED", u + "la", "2026-03-08T20:00:00Z", la, location: "Suite 4, 100 Ocean Ave");
        // Monday 9 March, 09:00 EDT in New York: its 2 h reminder (07:00) falls in quiet hours and moves to 08:00
        await BookAsync(tenant, "BOOKING_CREATED", u + "ny", "2026-03-09T13:00:00Z", ny);

        var laMessages = await RemindersAsync(tenant, u + "la");
        Assert.Equal(
            [("reminder_24h", MessageChannel.Sms, "2026-03-07T20:00:00Z"), ("reminder_24h", MessageChannel.Email, "2026-03-07T20:00:00Z"),
             ("reminder_2h", MessageChannel.Sms, "2026-03-08T18:00:00Z"), ("reminder_15m", MessageChannel.Sms, "2026-03-08T19:45:00Z")],
            laMessages.Select(m => (m.Kind, m.Channel, m.ScheduledFor!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"))).ToList());
        Assert.All(laMessages, m => Assert.Equal(MessageStatus.Scheduled, m.Status));
        var sms24 = laMessages[0];
        Assert.Equal("+13105550111", sms24.ToAddress);
        Assert.Contains("Hi Dana", sms24.Body);
        Assert.Contains("Sunday, March 8 at 1:00 PM", sms24.Body); // the lead's local time, after the change
        Assert.Contains("/reschedule/" + u + "la", sms24.Body);
        Assert.Contains("Suite 4, 100 Ocean Ave", laMessages[1].Body);
        Assert.Equal("dana@example.com", laMessages[1].ToAddress);
        var nyMessages = await RemindersAsync(tenant, u + "ny");
        Assert.Equal(DateTimeOffset.Parse("2026-03-09T12:00:00Z"), nyMessages.Single(m => m.Kind == "reminder_2h").ScheduledFor);

        // two instances, each running at every moment something is due and a second before it
        var second = await DispatcherAsync();
        var first = Dispatcher(0);
        foreach (var due in laMessages.Concat(nyMessages).Select(m => m.ScheduledFor!.Value).Distinct().Order())
        {
            Clock.SetUtcNow(due.AddSeconds(-1));
            await Task.WhenAll(first.RunOnceAsync(default), second.RunOnceAsync(default));
            Assert.DoesNotContain(await RemindersAsync(tenant, u), m => m.ScheduledFor >= due && m.Status != MessageStatus.Scheduled);
            Clock.SetUtcNow(due);
            await Task.WhenAll(first.RunOnceAsync(default), second.RunOnceAsync(default), first.RunOnceAsync(default));
            await SendDueAsync();
        }

        var sent = await RemindersAsync(tenant, u);
        Assert.Equal(8, sent.Count);
        Assert.All(sent, m => Assert.Equal(MessageStatus.Sent, m.Status));
        Assert.All(sent, m => Assert.NotNull(m.ProviderMessageId));
        foreach (var m in sent)
            Assert.Single(m.Channel == MessageChannel.Sms ? Sms.Received : Email.Received, r => r.RawBody.Contains(m.Id.ToString()));
        Assert.Equal("13105550111", Assert.Single(Sms.Received, r => r.RawBody.Contains(sms24.Id.ToString())).Json.GetProperty("recipients")[0].ToString());
    }

    [Fact]
    public async Task Move_with_a_reschedule_and_stop_with_a_cancellation_in_either_order()
    {
        foreach (var reversed in new[] { false, true })
        {
            var (_, tenant) = await HostAndTenantAsync();
            var lead = await LeadAsync(tenant, "+12125550113", "America/New_York", "res@example.com");
            var u = Guid.NewGuid().ToString("N");
            var events = new List<(string, string, string, string?, string?)>
            {
                ("BOOKING_CREATED", u + "A", "2026-03-20T15:00:00Z", null, null),
                ("BOOKING_RESCHEDULED", u + "B", "2026-03-21T16:00:00Z", u + "A", "2026-03-20T15:00:00Z"),
            };
            if (reversed) events.Reverse();
            foreach (var (trigger, uid, start, from, fromStart) in events)
                await BookAsync(tenant, trigger, uid, start, lead, rescheduleUid: from, rescheduleStart: fromStart);

            var original = await RemindersAsync(tenant, u + "A");
            Assert.All(original, m => Assert.Equal((MessageStatus.Cancelled, "The appointment was cancelled."), (m.Status, m.Error)));
            Assert.Equal(reversed ? 0 : 4, original.Count); // cancelled before it was ever planned: nothing to cancel
            var moved = await RemindersAsync(tenant, u + "B");
            Assert.Equal(["2026-03-20T16:00:00Z", "2026-03-20T16:00:00Z", "2026-03-21T14:00:00Z", "2026-03-21T15:45:00Z"],
                moved.Select(m => m.ScheduledFor!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ")).ToList());
            Assert.All(moved, m => Assert.Equal(MessageStatus.Scheduled, m.Status));

            // then the new booking is cancelled too, the cancellation arriving twice
            var cancel = CalcomEvents.Booking("BOOKING_CANCELLED", u + "B", "2026-03-21T16:00:00Z", leadId: lead.ToString());
            await ApplyAsync(tenant, "BOOKING_CANCELLED", cancel);
            await ApplyAsync(tenant, "BOOKING_CANCELLED", cancel);
            Assert.All(await RemindersAsync(tenant, u), m => Assert.Equal(MessageStatus.Cancelled, m.Status));
        }
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-03-21T15:50:00Z"));
        await SendDueAsync();
        Assert.DoesNotContain(Sms.Received, r => r.RawBody.Contains("12125550113"));
        Assert.DoesNotContain(Email.Received, r => r.RawBody.Contains("res@example.com"));
    }

    [Fact]
    public async Task Skip_what_a_late_booking_has_missed()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var lead = await LeadAsync(tenant, "+12125550114", "America/New_York", null);
        var u = Guid.NewGuid().ToString("N");
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-03-25T15:30:00Z"));
        await BookAsync(tenant, "BOOKING_CREATED", u, "2026-03-25T18:00:00Z", lead); // 2.5 h ahead: no 24 h reminder (SMS or email)
        Assert.Equal(["reminder_2h", "reminder_15m"], (await RemindersAsync(tenant, u)).Select(m => m.Kind).ToList());

        // a booking that arrives after the 2 h reminder's time
        var late = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", late, "2026-03-25T17:00:00Z", lead);
        Assert.Equal(["reminder_15m"], (await RemindersAsync(tenant, late)).Select(m => m.Kind).ToList());
    }

    [Fact]
    public async Task Send_nothing_to_a_lead_who_opted_out_a_suppressed_number_or_a_bounced_address_after_it_was_scheduled()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var optedOut = await LeadAsync(tenant, "+12125550115", "America/New_York", "out@example.com");
        var bounced = await LeadAsync(tenant, "+12125550116", "America/New_York", "Bounced@Example.com");
        var suppressed = await LeadAsync(tenant, "+12125550117", "America/New_York", "dnc@example.com");
        var u = Guid.NewGuid().ToString("N");
        foreach (var (lead, i) in new[] { (optedOut, 1), (bounced, 2), (suppressed, 3) })
            await BookAsync(tenant, "BOOKING_CREATED", u + i, "2026-03-27T15:00:00Z", lead);
        Assert.Equal(12, (await RemindersAsync(tenant, u)).Count(m => m.Status == MessageStatus.Scheduled));

        await Fixture.ExecuteAsync($"UPDATE leads SET opted_out_at = now() WHERE id = '{optedOut}'");
        await Fixture.ExecuteAsync($"INSERT INTO email_bounces (id, client_id, email, reason, created_at, updated_at) VALUES ('{Guid.CreateVersion7()}', '{tenant.Id}', 'bounced@example.com', 'hard bounce', now(), now())");
        await Fixture.ExecuteAsync($"INSERT INTO suppressions (id, client_id, phone_e164, source, created_at) VALUES ('{Guid.CreateVersion7()}', '{tenant.Id}', '+12125550117', 'manual', now())");
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-03-26T15:00:00Z"));
        await SendDueAsync();

        var day = (await RemindersAsync(tenant, u)).Where(m => m.Kind == "reminder_24h").ToDictionary(m => (m.LeadId!.Value, m.Channel));
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the lead opted out of messages."), (day[(optedOut, MessageChannel.Sms)].Status, day[(optedOut, MessageChannel.Sms)].Error));
        Assert.Equal(MessageStatus.Cancelled, day[(optedOut, MessageChannel.Email)].Status);
        Assert.Equal(MessageStatus.Sent, day[(bounced, MessageChannel.Sms)].Status);
        Assert.Equal((MessageStatus.Cancelled, "Not sent: email to this address bounced before."), (day[(bounced, MessageChannel.Email)].Status, day[(bounced, MessageChannel.Email)].Error));
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the number is on the do-not-contact list."), (day[(suppressed, MessageChannel.Sms)].Status, day[(suppressed, MessageChannel.Sms)].Error));
        Assert.Equal(MessageStatus.Sent, day[(suppressed, MessageChannel.Email)].Status);
        Assert.DoesNotContain(Sms.Received, r => r.RawBody.Contains("12125550115") || r.RawBody.Contains("12125550117"));
        Assert.DoesNotContain(Email.Received, r => r.RawBody.Contains("out@example.com") || r.RawBody.Contains("ounced@"));

        // a lead who opts out before a booking is planned gets none at all
        var late = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", late, "2026-03-29T15:00:00Z", optedOut);
        Assert.Empty(await RemindersAsync(tenant, late));
    }

    [Fact]
    public async Task Honour_the_clients_switches_and_templates_when_the_message_goes_out()
    {
        var (host, tenant) = await HostAndTenantAsync();
        var lead = await LeadAsync(tenant, "+12125550118", "America/New_York", null);
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u + "1", "2026-04-02T15:00:00Z", lead);
        await InHostAsync(host, tenant, async sp =>
        {
            var templates = sp.GetRequiredService<MessageTemplates>();
            Assert.Empty(await templates.SetEnabledAsync("reminder_2h", false, default));
            var (_, issues) = await templates.UpdateAsync("reminder_15m", MessageChannel.Sms, null, "{{first_name}}, {{business_name}} starts {{time}} sharp.", default);
            Assert.Empty(issues);
            return 0;
        });
        await BookAsync(tenant, "BOOKING_CREATED", u + "2", "2026-04-03T15:00:00Z", lead);
        Assert.DoesNotContain(await RemindersAsync(tenant, u + "2"), m => m.Kind == "reminder_2h"); // planned while off: not there

        Clock.SetUtcNow(DateTimeOffset.Parse("2026-04-02T13:00:00Z"));
        await SendDueAsync();
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-04-02T14:45:00Z"));
        await SendDueAsync();
        var first = (await RemindersAsync(tenant, u + "1")).Where(m => m.Channel == MessageChannel.Sms).ToDictionary(m => m.Kind);
        Assert.Equal((MessageStatus.Cancelled, "Not sent: this kind of message is turned off."), (first["reminder_2h"].Status, first["reminder_2h"].Error));
        Assert.Equal(MessageStatus.Sent, first["reminder_15m"].Status);
        Assert.Equal($"Dana, {tenant.Name} starts 11:00 AM sharp.", first["reminder_15m"].Body); // the template at the time of sending
    }

    [Fact]
    public async Task Send_nothing_once_the_appointment_started_and_only_the_latest_of_overdue_texts()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var lead = await LeadAsync(tenant, "+12125550119", "America/New_York", "overdue@example.com");
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u + "1", "2026-04-10T15:00:00Z", lead);
        await BookAsync(tenant, "BOOKING_CREATED", u + "2", "2026-04-10T19:00:00Z", lead);

        // an outage: the service comes back 40 minutes before the second appointment, long after the first began
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-04-10T18:20:00Z"));
        await SendDueAsync();
        var first = await RemindersAsync(tenant, u + "1");
        Assert.All(first, m => Assert.Equal((MessageStatus.Cancelled, "Not sent: the appointment had started when its turn came."), (m.Status, m.Error)));
        var second = (await RemindersAsync(tenant, u + "2")).ToDictionary(m => (m.Kind, m.Channel));
        Assert.Equal(MessageStatus.Cancelled, second[("reminder_24h", MessageChannel.Sms)].Status);
        Assert.StartsWith("Not sent: a later reminder", second[("reminder_24h", MessageChannel.Sms)].Error);
        Assert.Equal(MessageStatus.Sent, second[("reminder_2h", MessageChannel.Sms)].Status);
        Assert.Equal(MessageStatus.Sent, second[("reminder_24h", MessageChannel.Email)].Status); // the only email: it still goes
        Assert.Equal(MessageStatus.Scheduled, second[("reminder_15m", MessageChannel.Sms)].Status);
    }

    [Fact]
    public async Task Fail_a_message_whose_sender_died_after_taking_it_and_never_send_it_again()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var lead = await LeadAsync(tenant, "+12125550120", "America/New_York", null);
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u, "2026-04-15T18:00:00Z", lead);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-04-15T16:00:00Z"));

        // an instance takes the due messages and dies before handing them over
        await using (var cmd = Fixture.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT count(*) FROM app_claim_due_messages($1, 500)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Clock.GetUtcNow() });
            Assert.True((long)(await cmd.ExecuteScalarAsync())! >= 2);
        }
        Assert.Equal(0, await Dispatcher(0).RunOnceAsync(default)); // taken: no other instance takes them
        var sweep = new InterruptedMessageSweep(Fixture.Services.GetRequiredService<NpgsqlDataSource>(), Clock);
        Clock.Advance(TimeSpan.FromMinutes(9));
        await sweep.RunAsync(default);
        Assert.All((await RemindersAsync(tenant, u)).Where(m => m.Kind != "reminder_15m"), m => Assert.Equal(MessageStatus.Scheduled, m.Status));
        Clock.Advance(TimeSpan.FromMinutes(2));
        await sweep.RunAsync(default);

        var messages = (await RemindersAsync(tenant, u)).Where(m => m.Channel == MessageChannel.Sms).ToDictionary(m => m.Kind);
        Assert.Equal((MessageStatus.Failed, InterruptedMessageSweep.Error), (messages["reminder_24h"].Status, messages["reminder_24h"].Error));
        Assert.Equal(MessageStatus.Failed, messages["reminder_2h"].Status);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-04-15T17:45:00Z"));
        await SendDueAsync();
        Assert.Equal(MessageStatus.Sent, (await RemindersAsync(tenant, u)).Single(m => m.Kind == "reminder_15m").Status);
        Assert.Single(Sms.Received, r => r.RawBody.Contains("12125550120"));
    }

    [Fact]
    public async Task Send_a_burst_of_due_reminders_from_two_instances_exactly_once()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var u = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 30; i++)
        {
            var lead = await LeadAsync(tenant, $"+1212555{2000 + i}", "America/New_York", $"burst{i}@example.com");
            await BookAsync(tenant, "BOOKING_CREATED", $"{u}{i:D2}", "2026-04-21T17:00:00Z", lead);
        }
        var second = await DispatcherAsync();
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-04-20T17:00:30Z"));
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { Dispatcher(0).RunOnceAsync(default), second.RunOnceAsync(default) }));

        var day = (await RemindersAsync(tenant, u)).Where(m => m.Kind == "reminder_24h").ToList();
        Assert.Equal(60, day.Count);
        Assert.All(day, m => Assert.Equal(MessageStatus.Sent, m.Status));
        var references = Sms.Received.Select(r => r.Json.GetProperty("reference").GetString()).Where(r => day.Any(m => m.Id.ToString() == r)).ToList();
        Assert.Equal(30, references.Count);
        Assert.Equal(30, references.Distinct().Count());
        Assert.Equal(30, Email.Received.Count(r => day.Any(m => r.RawBody.Contains(m.Id.ToString()))));
    }

    [Fact]
    public async Task Record_a_providers_refusal_and_a_timeout_as_failed_and_never_try_again()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var refused = await LeadAsync(tenant, "+12125550121", "America/New_York", null);
        var slow = await LeadAsync(tenant, "+12125550122", "America/New_York", null);
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u + "1", "2026-04-28T15:00:00Z", refused);
        await DrainUntilAsync("2026-04-27T15:00:00Z"); // what earlier tests left due goes first, so the failure below is this one's
        Sms.FailNext(422, """{"errors":[{"code":9,"description":"no (correct) recipients found","parameter":"recipients"}]}""");
        await SendDueAsync();
        var failed = (await RemindersAsync(tenant, u + "1")).Single(m => m.Kind == "reminder_24h" && m.Channel == MessageChannel.Sms);
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Contains("no (correct) recipients found", failed.Error);

        await BookAsync(tenant, "BOOKING_CREATED", u + "2", "2026-04-28T16:00:00Z", slow);
        await DrainUntilAsync("2026-04-28T14:00:00Z");
        Sms.DelayNext(TimeSpan.FromSeconds(5)); // beyond the 2 s bound of an attempt: whether it went out is unknown
        await SendDueAsync();
        var timedOut = (await RemindersAsync(tenant, u + "2")).Single(m => m.Kind == "reminder_2h");
        Assert.Equal(MessageStatus.Failed, timedOut.Status);
        Assert.Contains("did not answer in time", timedOut.Error);
        Clock.SetUtcNow(DateTimeOffset.Parse("2026-04-28T14:30:00Z"));
        await SendDueAsync();
        Assert.Single(Sms.Received, r => r.RawBody.Contains(failed.Id.ToString()));
        Assert.Single(Sms.Received, r => r.RawBody.Contains(timedOut.Id.ToString()));
    }

    /// <summary>The reminders of the tenant's appointments whose booking uid starts with <paramref name="prefix"/> (their check-in is VerificationShould's).</summary>
    private async Task<List<Message>> RemindersAsync(TestTenant tenant, string prefix) =>
        [.. (await MessagesAsync(tenant, prefix)).Where(m => ReminderSchedule.Kinds.Contains(m.Kind))];
}
