using Callvia.Core;
using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Webhooks;
using Callvia.Jobs.Messaging;
using Callvia.Testing;
using Callvia.Testing.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// Reminders end to end: Cal.com bookings applied as in production plan them, jobs-service instances (real hosts, each its
/// own DI container and connection pool) send them with an injected clock to fake MessageBird and SendGrid servers on
/// loopback speaking the contracts, against the real PostgreSQL. Times are in the spring of 2026, before anything the
/// other tests schedule with the real clock, so the instances here only ever find these tests' messages due.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class RemindersShould(JobsFixture fixture) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly List<IHost> _hosts = [];
    private FakeMessageBird _sms = null!;
    private FakeSendGrid _email = null!;

    public async Task InitializeAsync()
    {
        _sms = await FakeMessageBird.StartNewAsync();
        _email = await FakeSendGrid.StartNewAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var h in _hosts)
        {
            await h.StopAsync();
            h.Dispose();
        }
        await _sms.DisposeAsync();
        await _email.DisposeAsync();
    }

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

        var laMessages = await MessagesAsync(tenant, u + "la");
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
        var nyMessages = await MessagesAsync(tenant, u + "ny");
        Assert.Equal(DateTimeOffset.Parse("2026-03-09T12:00:00Z"), nyMessages.Single(m => m.Kind == "reminder_2h").ScheduledFor);

        // two instances, each running at every moment something is due and a second before it
        var second = await DispatcherAsync();
        var first = Dispatcher(0);
        foreach (var due in laMessages.Concat(nyMessages).Select(m => m.ScheduledFor!.Value).Distinct().Order())
        {
            _clock.SetUtcNow(due.AddSeconds(-1));
            await Task.WhenAll(first.RunOnceAsync(default), second.RunOnceAsync(default));
            Assert.DoesNotContain(await MessagesAsync(tenant, u), m => m.ScheduledFor >= due && m.Status != MessageStatus.Scheduled);
            _clock.SetUtcNow(due);
            await Task.WhenAll(first.RunOnceAsync(default), second.RunOnceAsync(default), first.RunOnceAsync(default));
        }

        var sent = await MessagesAsync(tenant, u);
        Assert.Equal(8, sent.Count);
        Assert.All(sent, m => Assert.Equal(MessageStatus.Sent, m.Status));
        Assert.All(sent, m => Assert.NotNull(m.ProviderMessageId));
        foreach (var m in sent)
            Assert.Single(m.Channel == MessageChannel.Sms ? _sms.Received : _email.Received, r => r.RawBody.Contains(m.Id.ToString()));
        Assert.Equal("13105550111", Assert.Single(_sms.Received, r => r.RawBody.Contains(sms24.Id.ToString())).Json.GetProperty("recipients")[0].ToString());
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

            var original = await MessagesAsync(tenant, u + "A");
            Assert.All(original, m => Assert.Equal((MessageStatus.Cancelled, "The appointment was cancelled."), (m.Status, m.Error)));
            Assert.Equal(reversed ? 0 : 4, original.Count); // cancelled before it was ever planned: nothing to cancel
            var moved = await MessagesAsync(tenant, u + "B");
            Assert.Equal(["2026-03-20T16:00:00Z", "2026-03-20T16:00:00Z", "2026-03-21T14:00:00Z", "2026-03-21T15:45:00Z"],
                moved.Select(m => m.ScheduledFor!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ")).ToList());
            Assert.All(moved, m => Assert.Equal(MessageStatus.Scheduled, m.Status));

            // then the new booking is cancelled too, the cancellation arriving twice
            var cancel = CalcomEvents.Booking("BOOKING_CANCELLED", u + "B", "2026-03-21T16:00:00Z", leadId: lead.ToString());
            await ApplyAsync(tenant, "BOOKING_CANCELLED", cancel);
            await ApplyAsync(tenant, "BOOKING_CANCELLED", cancel);
            Assert.All(await MessagesAsync(tenant, u), m => Assert.Equal(MessageStatus.Cancelled, m.Status));
        }
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-03-21T15:50:00Z"));
        await Dispatcher(0).RunOnceAsync(default);
        Assert.DoesNotContain(_sms.Received, r => r.RawBody.Contains("12125550113"));
        Assert.DoesNotContain(_email.Received, r => r.RawBody.Contains("res@example.com"));
    }

    [Fact]
    public async Task Skip_what_a_late_booking_has_missed()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var lead = await LeadAsync(tenant, "+12125550114", "America/New_York", null);
        var u = Guid.NewGuid().ToString("N");
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-03-25T15:30:00Z"));
        await BookAsync(tenant, "BOOKING_CREATED", u, "2026-03-25T18:00:00Z", lead); // 2.5 h ahead: no 24 h reminder (SMS or email)
        Assert.Equal(["reminder_2h", "reminder_15m"], (await MessagesAsync(tenant, u)).Select(m => m.Kind).ToList());

        // a booking that arrives after the 2 h reminder's time
        var late = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", late, "2026-03-25T17:00:00Z", lead);
        Assert.Equal(["reminder_15m"], (await MessagesAsync(tenant, late)).Select(m => m.Kind).ToList());
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
        Assert.Equal(12, (await MessagesAsync(tenant, u)).Count(m => m.Status == MessageStatus.Scheduled));

        await fixture.ExecuteAsync($"UPDATE leads SET opted_out_at = now() WHERE id = '{optedOut}'");
        await fixture.ExecuteAsync($"INSERT INTO email_bounces (id, client_id, email, reason, created_at, updated_at) VALUES ('{Guid.CreateVersion7()}', '{tenant.Id}', 'bounced@example.com', 'hard bounce', now(), now())");
        await fixture.ExecuteAsync($"INSERT INTO suppressions (id, client_id, phone_e164, source, created_at) VALUES ('{Guid.CreateVersion7()}', '{tenant.Id}', '+12125550117', 'manual', now())");
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-03-26T15:00:00Z"));
        await Dispatcher(0).RunOnceAsync(default);

        var day = (await MessagesAsync(tenant, u)).Where(m => m.Kind == "reminder_24h").ToDictionary(m => (m.LeadId!.Value, m.Channel));
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the lead opted out of messages."), (day[(optedOut, MessageChannel.Sms)].Status, day[(optedOut, MessageChannel.Sms)].Error));
        Assert.Equal(MessageStatus.Cancelled, day[(optedOut, MessageChannel.Email)].Status);
        Assert.Equal(MessageStatus.Sent, day[(bounced, MessageChannel.Sms)].Status);
        Assert.Equal((MessageStatus.Cancelled, "Not sent: email to this address bounced before."), (day[(bounced, MessageChannel.Email)].Status, day[(bounced, MessageChannel.Email)].Error));
        Assert.Equal((MessageStatus.Cancelled, "Not sent: the number is on the do-not-contact list."), (day[(suppressed, MessageChannel.Sms)].Status, day[(suppressed, MessageChannel.Sms)].Error));
        Assert.Equal(MessageStatus.Sent, day[(suppressed, MessageChannel.Email)].Status);
        Assert.DoesNotContain(_sms.Received, r => r.RawBody.Contains("12125550115") || r.RawBody.Contains("12125550117"));
        Assert.DoesNotContain(_email.Received, r => r.RawBody.Contains("out@example.com") || r.RawBody.Contains("ounced@"));

        // a lead who opts out before a booking is planned gets none at all
        var late = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", late, "2026-03-29T15:00:00Z", optedOut);
        Assert.Empty(await MessagesAsync(tenant, late));
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
        Assert.DoesNotContain(await MessagesAsync(tenant, u + "2"), m => m.Kind == "reminder_2h"); // planned while off: not there

        _clock.SetUtcNow(DateTimeOffset.Parse("2026-04-02T13:00:00Z"));
        await Dispatcher(0).RunOnceAsync(default);
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-04-02T14:45:00Z"));
        await Dispatcher(0).RunOnceAsync(default);
        var first = (await MessagesAsync(tenant, u + "1")).Where(m => m.Channel == MessageChannel.Sms).ToDictionary(m => m.Kind);
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
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-04-10T18:20:00Z"));
        await Dispatcher(0).RunOnceAsync(default);
        var first = await MessagesAsync(tenant, u + "1");
        Assert.All(first, m => Assert.Equal((MessageStatus.Cancelled, "Not sent: the appointment had started when its turn came."), (m.Status, m.Error)));
        var second = (await MessagesAsync(tenant, u + "2")).ToDictionary(m => (m.Kind, m.Channel));
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
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-04-15T16:00:00Z"));

        // an instance takes the due messages and dies before handing them over
        await using (var cmd = fixture.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT count(*) FROM app_claim_due_messages($1, 500)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = _clock.GetUtcNow() });
            Assert.True((long)(await cmd.ExecuteScalarAsync())! >= 2);
        }
        Assert.Equal(0, await Dispatcher(0).RunOnceAsync(default)); // taken: no other instance takes them
        var sweep = new InterruptedMessageSweep(fixture.Services.GetRequiredService<NpgsqlDataSource>(), _clock);
        _clock.Advance(TimeSpan.FromMinutes(9));
        await sweep.RunAsync(default);
        Assert.All((await MessagesAsync(tenant, u)).Where(m => m.Kind != "reminder_15m"), m => Assert.Equal(MessageStatus.Scheduled, m.Status));
        _clock.Advance(TimeSpan.FromMinutes(2));
        await sweep.RunAsync(default);

        var messages = (await MessagesAsync(tenant, u)).Where(m => m.Channel == MessageChannel.Sms).ToDictionary(m => m.Kind);
        Assert.Equal((MessageStatus.Failed, InterruptedMessageSweep.Error), (messages["reminder_24h"].Status, messages["reminder_24h"].Error));
        Assert.Equal(MessageStatus.Failed, messages["reminder_2h"].Status);
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-04-15T17:45:00Z"));
        await Dispatcher(0).RunOnceAsync(default);
        Assert.Equal(MessageStatus.Sent, (await MessagesAsync(tenant, u)).Single(m => m.Kind == "reminder_15m").Status);
        Assert.Single(_sms.Received, r => r.RawBody.Contains("12125550120"));
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
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-04-20T17:00:30Z"));
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { Dispatcher(0).RunOnceAsync(default), second.RunOnceAsync(default) }));

        var day = (await MessagesAsync(tenant, u)).Where(m => m.Kind == "reminder_24h").ToList();
        Assert.Equal(60, day.Count);
        Assert.All(day, m => Assert.Equal(MessageStatus.Sent, m.Status));
        var references = _sms.Received.Select(r => r.Json.GetProperty("reference").GetString()).Where(r => day.Any(m => m.Id.ToString() == r)).ToList();
        Assert.Equal(30, references.Count);
        Assert.Equal(30, references.Distinct().Count());
        Assert.Equal(30, _email.Received.Count(r => day.Any(m => r.RawBody.Contains(m.Id.ToString()))));
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
        _sms.FailNext(422, """{"errors":[{"code":9,"description":"no (correct) recipients found","parameter":"recipients"}]}""");
        await Dispatcher(0).RunOnceAsync(default);
        var failed = (await MessagesAsync(tenant, u + "1")).Single(m => m.Kind == "reminder_24h" && m.Channel == MessageChannel.Sms);
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Contains("no (correct) recipients found", failed.Error);

        await BookAsync(tenant, "BOOKING_CREATED", u + "2", "2026-04-28T16:00:00Z", slow);
        await DrainUntilAsync("2026-04-28T14:00:00Z");
        _sms.DelayNext(TimeSpan.FromSeconds(5)); // beyond the 2 s bound of an attempt: whether it went out is unknown
        await Dispatcher(0).RunOnceAsync(default);
        var timedOut = (await MessagesAsync(tenant, u + "2")).Single(m => m.Kind == "reminder_2h");
        Assert.Equal(MessageStatus.Failed, timedOut.Status);
        Assert.Contains("did not answer in time", timedOut.Error);
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-04-28T14:30:00Z"));
        await Dispatcher(0).RunOnceAsync(default);
        Assert.Single(_sms.Received, r => r.RawBody.Contains(failed.Id.ToString()));
        Assert.Single(_sms.Received, r => r.RawBody.Contains(timedOut.Id.ToString()));
    }

    /// <summary>Sends everything due a second before <paramref name="at"/>, then sets the clock to it.</summary>
    private async Task DrainUntilAsync(string at)
    {
        _clock.SetUtcNow(DateTimeOffset.Parse(at).AddSeconds(-1));
        while (await Dispatcher(0).RunOnceAsync(default) > 0) { }
        _clock.SetUtcNow(DateTimeOffset.Parse(at));
    }

    // ---- helpers

    private async Task<(IHost Host, TestTenant Tenant)> HostAndTenantAsync()
    {
        if (_hosts.Count == 0) await DispatcherAsync();
        return (_hosts[0], await fixture.CreateTenantAsync());
    }

    /// <summary>A jobs-service instance: Core and the message dispatcher, its own container and pool, the fakes configured.</summary>
    private async Task<ScheduledMessageDispatcher> DispatcherAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(fixture.Settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:MessageBird:BaseUrl"] = _sms.BaseUrl, ["Messaging:MessageBird:AccessKey"] = _sms.AccessKey,
            ["Messaging:MessageBird:Originator"] = "+14155550100", ["Messaging:MessageBird:Timeout"] = "00:00:02",
            ["Messaging:SendGrid:BaseUrl"] = _email.BaseUrl, ["Messaging:SendGrid:ApiKey"] = _email.ApiKey,
            ["Messaging:SendGrid:FromEmail"] = "noreply@callvia.test",
        });
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.AddCallviaCore();
        builder.Services.AddSingleton<ScheduledMessageDispatcher>();
        var host = builder.Build();
        await host.StartAsync();
        _hosts.Add(host);
        return host.Services.GetRequiredService<ScheduledMessageDispatcher>();
    }

    private ScheduledMessageDispatcher Dispatcher(int i) => _hosts[i].Services.GetRequiredService<ScheduledMessageDispatcher>();

    private async Task<T> InHostAsync<T>(IHost host, TestTenant tenant, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var info = await scope.ServiceProvider.GetRequiredService<Core.Tenancy.TenantStore>().FindByIdAsync(tenant.Id);
        scope.ServiceProvider.GetRequiredService<Core.Tenancy.TenantContext>().SetTenant(info!);
        return await work(scope.ServiceProvider);
    }

    private Task<Guid> LeadAsync(TestTenant tenant, string phone, string zone, string? email) => InHostAsync(_hosts[0], tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var lead = new Lead { CampaignId = tenant.CampaignIds[1], PhoneE164 = phone, PhoneRaw = phone, Email = email, FirstName = "Dana", TimeZone = zone };
        db.Leads.Add(lead);
        await db.SaveChangesAsync();
        return lead.Id;
    });

    private Task BookAsync(TestTenant tenant, string trigger, string uid, string start, Guid lead, string? rescheduleUid = null,
        string? rescheduleStart = null, string? location = null) =>
        ApplyAsync(tenant, trigger, CalcomEvents.Booking(trigger, uid, start, lead.ToString(), rescheduleUid: rescheduleUid,
            rescheduleStart: rescheduleStart, location: location));

    /// <summary>A Cal.com event stored and processed as the jobs service does it, on the instances' clock.</summary>
    private async Task ApplyAsync(TestTenant tenant, string trigger, string body)
    {
        var id = await InHostAsync(_hosts[0], tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("calcom", Guid.NewGuid().ToString("N"), trigger, body, default));
        await InHostAsync(_hosts[0], tenant, async sp =>
        {
            await sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id!.Value, default);
            return 0;
        });
    }

    /// <summary>The messages of the tenant's appointments whose booking uid starts with <paramref name="prefix"/>, in the order they are due.</summary>
    private Task<List<Message>> MessagesAsync(TestTenant tenant, string prefix) => InHostAsync(_hosts[0], tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var rows = await db.Messages.AsNoTracking()
            .Where(m => db.Appointments.Any(a => a.Id == m.AppointmentId && a.ProviderBookingUid.StartsWith(prefix))).ToListAsync();
        return rows.OrderBy(m => m.ScheduledFor).ThenBy(m => m.Channel).ToList();
    });
}
