using System.Text.Json;
using Callvia.Core.Dialer;
using Callvia.Core.Webhooks;
using Callvia.Jobs.Dialer;
using Callvia.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Callvia.Testing;
using Callvia.Testing.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// The dialer end to end: jobs-service instances (real hosts, each its own DI and connection pool) ticking with an injected
/// clock against a real PostgreSQL and a fake Retell on loopback speaking the contract; webhooks applied as in production.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class DialerShould(JobsFixture fixture) : IAsyncLifetime
{
    // Wednesday 2 December 2026, 15:00 UTC: 10:00 in New York, 07:00 in Los Angeles
    private static readonly DateTimeOffset Wednesday = new(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);
    private const string NewYork = "+1212555", LosAngeles = "+1213555";

    private readonly FakeTimeProvider _clock = new(Wednesday);
    private readonly List<IHost> _dialers = [];
    private FakeRetell _retell = null!;

    public async Task InitializeAsync() => _retell = await FakeRetell.StartNewAsync();

    public async Task DisposeAsync()
    {
        foreach (var d in _dialers)
        {
            await d.StopAsync();
            d.Dispose();
        }
        await _retell.DisposeAsync();
    }

    [Fact]
    public async Task Call_due_leads_inside_their_own_window_only_and_send_retell_what_the_agent_needs()
    {
        var tenant = await TenantAsync(campaignLimit: 5);
        var ny = await LeadAsync(tenant, NewYork + "0101", "America/New_York", custom: """{"plan":"gold","first_name":"ignored"}""");
        var la = await LeadAsync(tenant, LosAngeles + "0102", "America/Los_Angeles");
        var noConsent = await LeadAsync(tenant, NewYork + "0103", "America/New_York", consent: false);
        var suppressed = await LeadAsync(tenant, NewYork + "0104", "America/New_York");
        await fixture.ExecuteAsync($"INSERT INTO suppressions (id, client_id, phone_e164, source, created_at) VALUES ('{Guid.CreateVersion7()}', '{tenant.Id}', '{NewYork}0104', 'manual', now())");
        var dialer = await DialerAsync();

        Assert.Equal(1, await TickAsync(dialer));
        var request = Assert.Single(Requests(tenant));
        Assert.Equal("+14155550100", request.GetProperty("from_number").GetString());
        Assert.Equal(NewYork + "0101", request.GetProperty("to_number").GetString());
        Assert.Equal("agent_test", request.GetProperty("override_agent_id").GetString());
        var metadata = request.GetProperty("metadata");
        Assert.Equal(tenant.Id.ToString(), metadata.GetProperty("client_id").GetString());
        Assert.Equal(tenant.CampaignIds[0].ToString(), metadata.GetProperty("campaign_id").GetString());
        Assert.Equal(ny.ToString(), metadata.GetProperty("lead_id").GetString());
        Assert.Equal("1", metadata.GetProperty("attempt").GetString());
        var variables = request.GetProperty("retell_llm_dynamic_variables");
        Assert.Equal("Dana", variables.GetProperty("first_name").GetString()); // ours win over a custom field of that name
        Assert.Equal("gold", variables.GetProperty("plan").GetString());
        Assert.Equal(tenant.Name, variables.GetProperty("client_name").GetString());
        Assert.Equal($"https://cal.example/{tenant.Slug}/intro?metadata[leadId]={ny}&metadata[tenantId]={tenant.Id}&name=Dana&attendeePhoneNumber=%2B12125550101",
            variables.GetProperty("booking_link").GetString());

        Assert.Equal("placed|1", await AttemptAsync(metadata.GetProperty("attempt_id").GetString()!, "state || '|' || number"));
        Assert.Equal($"1||{DialerRules.Calling}", await LeadStateAsync(ny));
        // Los Angeles opens at 08:00 there (16:00 UTC); no consent and the do-not-contact list are final, and say so
        Assert.Equal($"0|{Wednesday.AddHours(1):O}|Before the calling window opens in the lead's time zone.", await LeadStateAsync(la));
        Assert.Equal($"0||{DialerRules.NoConsent}", await LeadStateAsync(noConsent));
        Assert.Equal("0||On the do-not-contact list.", await LeadStateAsync(suppressed));

        Assert.Equal(0, await TickAsync(dialer));
        // the campaign's dialer, as GraphQL and the campaign page show it: one call, one lead waiting for its window, three set aside
        // (no consent, the do-not-contact list, and the seeded lead this test took out of the dialer)
        var status = await StatusAsync(tenant);
        Assert.Equal(("Calling.", true, 1, 0, 1, 0, 3L, (DateTimeOffset?)Wednesday.AddHours(1)),
            (status.State, status.Calling, status.InProgress, status.DueNow, status.WaitingForWindow, status.WaitingForRetry, status.SetAside, status.NextWindowAt));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await TickAsync(dialer));
        Assert.Equal(LosAngeles + "0102", Requests(tenant)[^1].GetProperty("to_number").GetString());

        // consent recorded through the lead editor: the lead is due again
        await fixture.InTenantAsync(tenant, async sp => (await sp.GetRequiredService<Core.Leads.LeadEditor>().UpsertAsync(
            new Core.Leads.LeadInput(noConsent, null, null, null, null, null, null, ConsentAt: DateTimeOffset.UtcNow.AddDays(-1), ConsentSource: "web form"), default)).Lead);
        await fixture.ExecuteAsync($"UPDATE leads SET dial_at = '{_clock.GetUtcNow():O}' WHERE id = '{noConsent}' AND dial_at IS NOT NULL");
        Assert.Equal(1, await TickAsync(dialer));
        Assert.Equal(3, Requests(tenant).Count);
    }

    [Fact]
    public async Task Hold_the_campaign_and_client_limits_with_two_instances_and_free_a_slot_on_the_end_webhook()
    {
        var tenant = await TenantAsync(campaignLimit: 3, clientLimit: 4);
        for (var i = 0; i < 12; i++) await LeadAsync(tenant, NewYork + (1000 + i), "America/New_York", campaign: i % 2);
        var one = await DialerAsync();
        var two = await DialerAsync();

        for (var round = 0; round < 3; round++)
            await Task.WhenAll(TickAsync(one), TickAsync(two));
        Assert.Equal(4, Requests(tenant).Count);
        Assert.Equal(4, await fixture.CountAsync($"SELECT count(*) FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed'"));
        Assert.True(await fixture.CountAsync($"SELECT max(n) FROM (SELECT count(*) AS n FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed' GROUP BY campaign_id) x") <= 3);

        // one call ends: its slot is free, and exactly one more call starts
        var callId = await fixture.TextAsync($"SELECT provider_call_id FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed' ORDER BY created_at LIMIT 1");
        await WebhookAsync(tenant, "call_ended", callId!, "dial_no_answer");
        await Task.WhenAll(TickAsync(one), TickAsync(two));
        Assert.Equal(5, Requests(tenant).Count);
        Assert.Equal(4, await fixture.CountAsync($"SELECT count(*) FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed'"));
    }

    [Fact]
    public async Task Free_a_slot_as_soon_as_the_calls_end_is_stored_before_it_is_applied()
    {
        var tenant = await TenantAsync(campaignLimit: 1);
        await LeadAsync(tenant, NewYork + "1101", "America/New_York");
        await LeadAsync(tenant, NewYork + "1102", "America/New_York");
        var dialer = await DialerAsync();
        Assert.Equal(1, await TickAsync(dialer));
        Assert.Equal(0, await TickAsync(dialer)); // the one slot is held
        var callId = await fixture.TextAsync($"SELECT provider_call_id FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed'");

        // call_started is no end: the slot stays held
        await WebhookAsync(tenant, "call_started", callId!, null, apply: false);
        Assert.Equal(0, await dialer.TickClientsAsync([tenant.Id], default));
        // Retell reports the end: stored, not applied here, and the slot is free at once
        await WebhookAsync(tenant, "call_ended", callId!, "user_hangup", apply: false);
        // a claim for a woken client still obeys the platform's switch
        var switches = fixture.Services.GetRequiredService<DialerSwitches>();
        await switches.StopPlatformAsync("incident 43");
        try { Assert.Equal(0, await dialer.TickClientsAsync([tenant.Id], default)); }
        finally { await switches.StartPlatformAsync(); }
        Assert.Equal(1, await dialer.TickClientsAsync([tenant.Id], default));
        await dialer.DrainAsync();
        Assert.Equal([NewYork + "1101", NewYork + "1102"], Requests(tenant).Select(r => r.GetProperty("to_number").GetString()!).ToArray());
    }

    [Fact]
    public async Task Claim_at_once_when_the_database_reports_a_calls_end_without_waiting_for_its_tick()
    {
        // a zone where it is midday now (the real clock: the service's own); a tick of an hour, so only the wake-up can call again
        var hours = 12 - DateTimeOffset.UtcNow.Hour;
        var zone = hours == 0 ? "Etc/UTC" : hours > 0 ? $"Etc/GMT-{hours}" : $"Etc/GMT+{-hours}";
        var tenant = await TenantAsync(campaignLimit: 1);
        await fixture.ExecuteAsync($"UPDATE campaigns SET call_days = 127 WHERE client_id = '{tenant.Id}'");
        await LeadAsync(tenant, NewYork + "1201", zone, dialAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        await LeadAsync(tenant, NewYork + "1202", zone, dialAt: DateTimeOffset.UtcNow);
        await HostAsync(new() { ["Dialer:Tick"] = "01:00:00" }, TimeProvider.System, service: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await fixture.CountAsync($"SELECT count(*) FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed'") == 0)
            await Task.Delay(50, timeout.Token);
        var callId = await fixture.TextAsync($"SELECT provider_call_id FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed'");
        await Task.Delay(500, timeout.Token);
        Assert.Single(Requests(tenant)); // the slot is held, and the next tick is an hour away

        await WebhookAsync(tenant, "call_ended", callId!, "user_hangup", apply: false);
        while (Requests(tenant).Count < 2) await Task.Delay(50, timeout.Token);
        Assert.Equal(NewYork + "1202", Requests(tenant)[1].GetProperty("to_number").GetString());
    }

    [Fact]
    public async Task Start_no_call_while_a_kill_switch_is_on_or_the_campaign_is_paused()
    {
        var tenant = await TenantAsync(campaignLimit: 5);
        await LeadAsync(tenant, NewYork + "0201", "America/New_York");
        var dialer = await DialerAsync();
        var switches = fixture.Services.GetRequiredService<DialerSwitches>();

        await switches.SetClientAsync(tenant.Id, stopped: true);
        Assert.Equal(0, await TickAsync(dialer));
        await switches.SetClientAsync(tenant.Id, stopped: false);
        await switches.StopPlatformAsync("incident 42");
        try
        {
            Assert.Equal(0, await TickAsync(dialer));
        }
        finally
        {
            await switches.StartPlatformAsync();
        }
        await fixture.ExecuteAsync($"UPDATE campaigns SET status = 'paused' WHERE id = '{tenant.CampaignIds[0]}'");
        Assert.Equal(0, await TickAsync(dialer));
        await fixture.ExecuteAsync($"UPDATE campaigns SET status = 'active' WHERE id = '{tenant.CampaignIds[0]}'");
        Assert.Empty(Requests(tenant));
        Assert.Equal(1, await TickAsync(dialer));
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action IN ('dialer.client_stop', 'dialer.client_start') AND client_id = '{tenant.Id}'"));
    }

    [Fact]
    public async Task Back_the_client_off_after_a_429_and_the_lead_after_a_5xx_without_counting_an_attempt()
    {
        var tenant = await TenantAsync(campaignLimit: 1);
        var lead = await LeadAsync(tenant, NewYork + "0301", "America/New_York");
        var dialer = await DialerAsync();

        _retell.FailNext(429, """{"error_message":"concurrency limit reached"}""");
        Assert.Equal(1, await TickAsync(dialer));
        Assert.Equal($"0|{Wednesday.AddSeconds(7):O}|Retell's call limit was reached: tried again shortly.", await LeadStateAsync(lead));
        Assert.Equal(Wednesday.AddSeconds(7).ToString("O"), await fixture.TextAsync($"SELECT to_char(dialer_backoff_until AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\".0000000+00:00\"') FROM clients WHERE id = '{tenant.Id}'"));
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, await TickAsync(dialer));

        _clock.Advance(TimeSpan.FromSeconds(1));
        _retell.FailNext(503, """{"error_message":"unavailable"}""");
        Assert.Equal(1, await TickAsync(dialer));
        Assert.Equal($"0|{_clock.GetUtcNow().AddSeconds(30):O}|Retell could not take the call: tried again shortly.", await LeadStateAsync(lead));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await TickAsync(dialer));
        Assert.Equal($"1||{DialerRules.Calling}", await LeadStateAsync(lead));
        Assert.Equal("not_placed,not_placed,placed", await fixture.TextAsync($"SELECT string_agg(state, ',' ORDER BY created_at, id) FROM dial_attempts WHERE lead_id = '{lead}'"));
    }

    [Fact]
    public async Task Not_call_a_lead_again_until_a_lost_answer_is_reconciled_by_its_webhook_or_its_window()
    {
        var tenant = await TenantAsync(campaignLimit: 2);
        var lead = await LeadAsync(tenant, NewYork + "0401", "America/New_York");
        var other = await LeadAsync(tenant, NewYork + "0402", "America/New_York");
        var dialer = await DialerAsync(new() { ["Dialer:Retell:Timeout"] = "00:00:01" });

        _retell.DelayNext(TimeSpan.FromSeconds(3));
        _retell.DelayNext(TimeSpan.FromSeconds(3));
        Assert.Equal(2, await TickAsync(dialer));
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'unconfirmed'"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await TickAsync(dialer));

        // the first call's webhook carries our attempt: it was placed after all
        var attempt = await fixture.TextAsync($"SELECT id::text FROM dial_attempts WHERE lead_id = '{lead}'");
        await WebhookAsync(tenant, "call_started", "call_" + Guid.NewGuid().ToString("N"), null, lead, Guid.Parse(attempt!));
        Assert.Equal("placed", await AttemptAsync(attempt!, "state"));

        // the other never shows up: after the reconciliation window it is lost, counts, and waits for the ladder's step
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await TickAsync(dialer));
        Assert.Equal("lost", await fixture.TextAsync($"SELECT state FROM dial_attempts WHERE lead_id = '{other}'"));
        Assert.Equal($"1|{_clock.GetUtcNow().AddMinutes(60):O}|Tried again later.", await LeadStateAsync(other));
        Assert.Equal(2, Requests(tenant).Count);
    }

    [Fact]
    public async Task Reclaim_the_slot_of_an_attempt_a_crash_left_behind_and_never_call_it_twice()
    {
        var tenant = await TenantAsync(campaignLimit: 1);
        var lead = await LeadAsync(tenant, NewYork + "0501", "America/New_York");
        // the process died after claiming (the attempt is written, the lead counted) and before Retell was asked
        await fixture.ExecuteAsync($"""
            INSERT INTO dial_attempts (id, client_id, campaign_id, lead_id, number, phone_e164, state, lease_until, created_at, updated_at)
            VALUES ('{Guid.CreateVersion7()}', '{tenant.Id}', '{tenant.CampaignIds[0]}', '{lead}', 1, '{NewYork}0501', 'dialing',
                    '{Wednesday.AddMinutes(10):O}', '{Wednesday:O}', '{Wednesday:O}');
            UPDATE leads SET attempts = 1, dial_at = NULL, dialer_note = 'Calling.' WHERE id = '{lead}';
            """);
        var dialer = await DialerAsync();
        Assert.Equal(0, await TickAsync(dialer)); // the slot is held, the lead is not due
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, await TickAsync(dialer));
        Assert.Equal("lost", await fixture.TextAsync($"SELECT state FROM dial_attempts WHERE lead_id = '{lead}'"));
        Assert.Equal($"1|{_clock.GetUtcNow().AddMinutes(60):O}|Tried again later.", await LeadStateAsync(lead));
        _clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(1, await TickAsync(dialer));
        Assert.Equal("2", Requests(tenant)[0].GetProperty("metadata").GetProperty("attempt").GetString());
    }

    [Fact]
    public async Task Retry_an_unanswered_lead_by_the_ladder_and_call_a_callback_at_the_time_asked()
    {
        var tenant = await TenantAsync(campaignLimit: 1);
        var lead = await LeadAsync(tenant, NewYork + "0601", "America/New_York");
        var dialer = await DialerAsync();
        Assert.Equal(1, await TickAsync(dialer));
        var callId = await fixture.TextAsync($"SELECT provider_call_id FROM dial_attempts WHERE lead_id = '{lead}'");
        var ended = Wednesday.AddMinutes(2);
        await WebhookAsync(tenant, "call_ended", callId!, "dial_no_answer", endedAt: ended);
        Assert.Equal($"1|{ended.AddMinutes(60):O}|Not answered: tried again later.", await LeadStateAsync(lead));
        Assert.Equal("ended|dial_no_answer", await fixture.TextAsync($"SELECT state || '|' || outcome FROM dial_attempts WHERE lead_id = '{lead}'"));

        _clock.Advance(TimeSpan.FromMinutes(62));
        Assert.Equal(1, await TickAsync(dialer));
        var second = await fixture.TextAsync($"SELECT provider_call_id FROM dial_attempts WHERE lead_id = '{lead}' AND number = 2");
        var callback = new DateTimeOffset(2026, 12, 3, 19, 30, 0, TimeSpan.Zero); // Thursday 14:30 in New York
        await WebhookAsync(tenant, "call_analyzed", second!, "agent_hangup", outcome: "callback_requested", callbackAt: callback, endedAt: _clock.GetUtcNow().AddMinutes(3));
        Assert.Equal($"2|{callback:O}|The lead asked to be called back then.", await LeadStateAsync(lead));
        // the first call's late analysis does not move a lead that was called again since
        await WebhookAsync(tenant, "call_analyzed", callId!, "dial_no_answer", endedAt: ended);
        Assert.Equal($"2|{callback:O}|The lead asked to be called back then.", await LeadStateAsync(lead));
        Assert.Equal("callback", await fixture.TextAsync($"SELECT status FROM leads WHERE id = '{lead}'"));
    }

    [Fact]
    public async Task Look_again_at_once_at_the_leads_a_campaign_change_may_free_but_never_at_an_unreachable_number()
    {
        var tenant = await TenantAsync(campaignLimit: 5);
        await fixture.ExecuteAsync($"UPDATE campaigns SET call_window_start = '11:00' WHERE id = '{tenant.CampaignIds[0]}'");
        var early = await LeadAsync(tenant, NewYork + "0801", "America/New_York");      // 10:00 in New York: waits for 11:00
        var used = await LeadAsync(tenant, NewYork + "0802", "America/New_York");
        var unreachable = await LeadAsync(tenant, NewYork + "0803", "America/New_York");
        await fixture.ExecuteAsync($"UPDATE leads SET attempts = 3, dial_at = NULL, dialer_note = 'All 3 attempts used.' WHERE id = '{used}'");
        await fixture.ExecuteAsync($"UPDATE leads SET attempts = 1, dial_at = NULL, unreachable_at = '{Wednesday.AddDays(-1):O}', dialer_note = 'x' WHERE id = '{unreachable}'");
        var dialer = await DialerAsync();
        Assert.Equal(0, await TickAsync(dialer));
        Assert.Equal($"0|{Wednesday.AddHours(1):O}|Before the calling window opens in the lead's time zone.", await LeadStateAsync(early));

        // a wider window and more attempts: both leads are due again at once, the unreachable number is not
        // (the change is made at the dialer's clock: "at once" is its now)
        var (_, issues) = await InDialerAsync(tenant, sp => sp.GetRequiredService<Core.Campaigns.CampaignEditor>().UpdateAsync(tenant.CampaignIds[0],
            new Core.Campaigns.CampaignInput(null, null, new TimeOnly(8, 0), null, null, 5, null, null, null), default));
        Assert.Empty(issues);
        Assert.Equal(2, await TickAsync(dialer));
        Assert.Equal([NewYork + "0801", NewYork + "0802"], Requests(tenant).Select(r => r.GetProperty("to_number").GetString()!).Order().ToArray());
        Assert.Equal("1||x", await LeadStateAsync(unreachable));

        // a name change is no dialer setting: nothing is woken
        await fixture.ExecuteAsync($"UPDATE leads SET unreachable_at = NULL, dialer_note = 'set aside' WHERE id = '{unreachable}'");
        await InDialerAsync(tenant, sp => sp.GetRequiredService<Core.Campaigns.CampaignEditor>().UpdateAsync(tenant.CampaignIds[0],
            new Core.Campaigns.CampaignInput("Renamed", null, null, null, null, null, null, null, null), default));
        Assert.Equal("1||set aside", await LeadStateAsync(unreachable));
    }

    [Fact]
    public async Task Mark_a_number_that_cannot_be_reached_and_not_call_it_again()
    {
        var tenant = await TenantAsync(campaignLimit: 1);
        var lead = await LeadAsync(tenant, NewYork + "0901", "America/New_York");
        var dialer = await DialerAsync();
        Assert.Equal(1, await TickAsync(dialer));
        var callId = await fixture.TextAsync($"SELECT provider_call_id FROM dial_attempts WHERE lead_id = '{lead}'");
        await WebhookAsync(tenant, "call_ended", callId!, "invalid_destination");
        Assert.Equal($"1||{DialerRules.Unreachable}", await LeadStateAsync(lead));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE id = '{lead}' AND unreachable_at IS NOT NULL"));
    }

    [Fact]
    public async Task Run_by_itself_in_the_jobs_service_and_place_a_call_within_seconds()
    {
        // a zone where it is midday now, so the real clock's window is open
        var hours = 12 - DateTimeOffset.UtcNow.Hour;
        var zone = hours == 0 ? "Etc/UTC" : hours > 0 ? $"Etc/GMT-{hours}" : $"Etc/GMT+{-hours}";
        var tenant = await TenantAsync(campaignLimit: 1);
        await fixture.ExecuteAsync($"UPDATE campaigns SET call_days = 127 WHERE client_id = '{tenant.Id}'");
        await LeadAsync(tenant, NewYork + "0701", zone, dialAt: DateTimeOffset.UtcNow);
        await HostAsync(new() { ["Dialer:Tick"] = "00:00:00.200" }, TimeProvider.System, service: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (Requests(tenant).Count == 0) await Task.Delay(100, timeout.Token);
        while (await fixture.CountAsync($"SELECT count(*) FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed'") == 0)
            await Task.Delay(100, timeout.Token);
        Assert.Single(Requests(tenant));
        // the jobs service has the same loop (its service is off in this fixture: Dialer:Enabled)
        Assert.NotNull(fixture.Jobs.Services.GetService<DialerLoop>());
    }

    [Fact]
    public async Task Play_calls_through_the_sandbox_simulator_as_signed_webhooks_and_mark_everything_simulated()
    {
        // the platform's API with the simulator's key as its Retell key, in sandbox mode; the simulator on loopback, sending
        // its webhooks to that API (real time, short calls); a dialer whose Retell is the simulator
        var key = "sim_" + Guid.NewGuid().ToString("N");
        var sandboxMode = new Dictionary<string, string?> { ["Dialer:Retell:ApiKey"] = key, ["Dialer:Retell:Simulated"] = "true" };
        await using var api = await fixture.StartAsync(Callvia.Api.Hosting.ApiApp.Build, sandboxMode);
        await using var sandbox = await RunningApp.StartAsync(Callvia.Sandbox.SandboxApp.Build, new Dictionary<string, string?>
        {
            ["Sandbox:ApiKey"] = key, ["Sandbox:ApiUrl"] = api.BareUri.ToString(), ["Sandbox:RootDomain"] = CallviaFixture.RootDomain,
            ["Sandbox:Ring"] = "00:00:00.100", ["Sandbox:CallLength"] = "00:00:00.400", ["Sandbox:FixedLength"] = "true", ["Sandbox:AnalysisDelay"] = "00:00:00.100",
            // this run books every answered call; the mix itself is checked below
            ["Sandbox:Mix:NoAnswer"] = "0", ["Sandbox:Mix:Busy"] = "0", ["Sandbox:Mix:Voicemail"] = "0", ["Sandbox:Mix:NotInterested"] = "0",
            ["Sandbox:Mix:Callback"] = "0", ["Sandbox:Mix:Booked"] = "1",
        });
        var tenant = await TenantAsync(campaignLimit: 5);
        var leads = new List<Guid>();
        for (var i = 0; i < 3; i++) leads.Add(await LeadAsync(tenant, NewYork + (3100 + i), "America/New_York"));
        var dialer = await DialerAsync(new Dictionary<string, string?>(sandboxMode) { ["Dialer:Retell:BaseUrl"] = sandbox.BareUri.ToString() });

        Assert.Equal(3, await TickAsync(dialer));
        Assert.Equal(3, await fixture.CountAsync($"SELECT count(*) FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'placed' AND simulated"));
        // each call: call_started, call_ended, call_analyzed (Retell, signed) and a booking (Cal.com, signed): all accepted by the API
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var player = sandbox.Services.GetRequiredService<Callvia.Sandbox.Retell.CallPlayer>();
        while (player.Playing > 0 || await fixture.CountAsync($"SELECT count(*) FROM events WHERE client_id = '{tenant.Id}' AND provider_event_key LIKE '%sim!_%' ESCAPE '!'") < 12)
            await Task.Delay(100, timeout.Token);
        Assert.Equal((3L, 12L, 0L), (player.Accepted, player.Sent, player.Failed));
        await ProcessEventsAsync(tenant);

        Assert.Equal(12, await fixture.CountAsync($"SELECT count(*) FROM events WHERE client_id = '{tenant.Id}' AND status = 'processed' AND provider_event_key LIKE '%sim!_%' ESCAPE '!'"));
        Assert.Equal(3, await fixture.CountAsync($"SELECT count(*) FROM call_logs WHERE client_id = '{tenant.Id}' AND simulated AND outcome = 'appointment_set' AND duration_seconds > 0 AND transcript LIKE '[Simulated call%'"));
        Assert.Equal(3, await fixture.CountAsync($"SELECT count(*) FROM usage_records WHERE client_id = '{tenant.Id}' AND simulated"));
        Assert.Equal(3, await fixture.CountAsync($"SELECT count(*) FROM dial_attempts WHERE client_id = '{tenant.Id}' AND state = 'ended' AND simulated AND outcome = 'appointment_set'"));
        foreach (var lead in leads)
            Assert.Equal("booked|True", await fixture.TextAsync($"SELECT l.status || '|' || a.simulated::text FROM leads l JOIN appointments a ON a.lead_id = l.id WHERE l.id = '{lead}'") is { } s ? s.Replace("true", "True") : null);
        // the dialer says it is the sandbox; the simulated minutes are not on the projected invoice
        Assert.StartsWith("Calling in the sandbox", (await StatusAsync(tenant)).State);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM dial_attempts WHERE client_id = '{tenant.Id}' AND {DialAttempt.ActiveFilter}"));

        // a delivery signed with another key is refused by the API, and a simulated-booking marker outside sandbox mode means nothing
        var body = """{"event":"call_ended","call":{"call_id":"call_forged","metadata":{}}}"""u8.ToArray();
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/retell") { Content = new ByteArrayContent(body) };
        forged.Headers.TryAddWithoutValidation("x-retell-signature", Core.Webhooks.Providers.Retell.RetellSignature.Sign(body, "key_other_" + Guid.NewGuid(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        using var client = api.CreateClient(tenant.Slug);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public void Draw_the_simulators_outcomes_in_the_configured_mix_and_the_same_for_the_same_call()
    {
        var mix = new Callvia.Sandbox.OutcomeMix();
        var counts = Enumerable.Range(0, 20_000).Select(i => Callvia.Sandbox.Retell.CallPlayer.Draw("call_sim_" + i, mix)).GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
        var expected = new Dictionary<Callvia.Sandbox.Retell.SimulatedOutcome, int>
        {
            [Callvia.Sandbox.Retell.SimulatedOutcome.NoAnswer] = mix.NoAnswer, [Callvia.Sandbox.Retell.SimulatedOutcome.Busy] = mix.Busy,
            [Callvia.Sandbox.Retell.SimulatedOutcome.Voicemail] = mix.Voicemail, [Callvia.Sandbox.Retell.SimulatedOutcome.NotInterested] = mix.NotInterested,
            [Callvia.Sandbox.Retell.SimulatedOutcome.Callback] = mix.Callback, [Callvia.Sandbox.Retell.SimulatedOutcome.Booked] = mix.Booked,
        };
        foreach (var (outcome, percent) in expected)
            Assert.InRange(counts.GetValueOrDefault(outcome) / 200.0, percent - 1.5, percent + 1.5);
        Assert.Equal(Callvia.Sandbox.Retell.CallPlayer.Draw("call_sim_x", mix), Callvia.Sandbox.Retell.CallPlayer.Draw("call_sim_x", mix));
    }

    // ---- helpers

    /// <summary>
    /// A dialer instance: the jobs service's dialer (Core and <see cref="DialerLoop"/>, its own DI container and connection
    /// pool) without Hangfire, whose process-wide state a second host in this process would take over.
    /// </summary>
    private async Task<DialerLoop> HostAsync(Dictionary<string, string?>? extra, TimeProvider clock, bool service = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(fixture.Settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dialer:Retell:BaseUrl"] = _retell.BaseUrl, ["Dialer:Retell:ApiKey"] = _retell.ApiKey,
        });
        builder.Configuration.AddInMemoryCollection(extra ?? []);
        builder.Services.AddSingleton(clock);
        builder.AddCallviaCore();
        builder.Services.AddCallviaDialer(run: service);
        var host = builder.Build();
        await host.StartAsync();
        _dialers.Add(host);
        return host.Services.GetRequiredService<DialerLoop>();
    }

    /// <summary>Runs <paramref name="work"/> in a fresh scope of the last dialer host (its clock and settings) with the tenant set, as a request would.</summary>
    private async Task<T> InDialerAsync<T>(TestTenant tenant, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _dialers[^1].Services.CreateAsyncScope();
        var info = await scope.ServiceProvider.GetRequiredService<Core.Tenancy.TenantStore>().FindByIdAsync(tenant.Id);
        scope.ServiceProvider.GetRequiredService<Core.Tenancy.TenantContext>().SetTenant(info!);
        return await work(scope.ServiceProvider);
    }

    /// <summary>The first campaign's dialer state, read with the dialer's clock.</summary>
    private Task<CampaignDialerStatus> StatusAsync(TestTenant tenant) => InDialerAsync(tenant, async sp =>
    {
        var db = sp.GetRequiredService<Core.Data.CallviaDbContext>();
        var campaign = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Campaigns, c => c.Id == tenant.CampaignIds[0]);
        return await sp.GetRequiredService<DialerStatus>().ForCampaignAsync(campaign, default);
    });

    private Task<DialerLoop> DialerAsync(Dictionary<string, string?>? extra = null) => HostAsync(extra, _clock);

    private static async Task<int> TickAsync(DialerLoop dialer)
    {
        var claimed = await dialer.TickAsync(CancellationToken.None);
        await dialer.DrainAsync();
        return claimed;
    }

    private async Task<TestTenant> TenantAsync(int campaignLimit, int clientLimit = 20)
    {
        var tenant = await fixture.CreateTenantAsync();
        // this test's client alone is dialed (earlier tests' leads may be due at this clock): the others' switches are on
        await fixture.ExecuteAsync($"""
            UPDATE clients SET dialer_stopped_at = now() WHERE id <> '{tenant.Id}' AND dialer_stopped_at IS NULL;
            UPDATE clients SET max_concurrent_calls = {clientLimit}, booking_url = 'https://cal.example/{tenant.Slug}/intro' WHERE id = '{tenant.Id}';
            UPDATE campaigns SET status = 'active', from_number = '+14155550100', retell_agent_id = 'agent_test', max_concurrent_calls = {campaignLimit},
                   max_attempts = 3, call_days = 126, requires_consent = true WHERE client_id = '{tenant.Id}';
            UPDATE leads SET dial_at = NULL WHERE client_id = '{tenant.Id}';
            """);
        return tenant;
    }

    private async Task<Guid> LeadAsync(TestTenant tenant, string phone, string zone, bool consent = true, string custom = "{}", int campaign = 0,
        DateTimeOffset? dialAt = null)
    {
        var id = Guid.CreateVersion7();
        await fixture.ExecuteAsync($"""
            INSERT INTO leads (id, client_id, campaign_id, first_name, phone_e164, phone_raw, time_zone, status, attempts, custom_fields,
                               consent_at, consent_source, dial_at, created_at, updated_at)
            VALUES ('{id}', '{tenant.Id}', '{tenant.CampaignIds[campaign]}', 'Dana', '{phone}', '{phone}', '{zone}', 'new', 0, '{custom}'::jsonb,
                    {(consent ? "'2026-11-01T12:00:00Z'" : "NULL")}, {(consent ? "'web form'" : "NULL")}, '{dialAt ?? Wednesday:O}', now(), now())
            """);
        return id;
    }

    private List<JsonElement> Requests(TestTenant tenant) =>
        _retell.Received.Where(r => r.Path == "/v2/create-phone-call").Select(r => r.Json)
            .Where(j => j.GetProperty("metadata").GetProperty("client_id").GetString() == tenant.Id.ToString()).ToList();

    private Task<string?> LeadStateAsync(Guid lead) =>
        fixture.TextAsync($"""
            SELECT attempts || '|' || coalesce(to_char(dial_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS".0000000+00:00"'), '') || '|' || coalesce(dialer_note, '')
            FROM leads WHERE id = '{lead}'
            """);

    private Task<string?> AttemptAsync(string id, string what) => fixture.TextAsync($"SELECT {what} FROM dial_attempts WHERE id = '{id}'");

    /// <summary>The tenant's stored webhook events of the simulator, applied in the order received by the dialer host's processor (its settings: sandbox mode).</summary>
    private Task ProcessEventsAsync(TestTenant tenant) => InDialerAsync(tenant, async sp =>
    {
        var ids = await fixture.TextAsync($"SELECT string_agg(id::text, ',' ORDER BY received_at, id) FROM events WHERE client_id = '{tenant.Id}' AND status = 'received' AND provider_event_key LIKE '%sim!_%' ESCAPE '!'");
        foreach (var id in ids!.Split(','))
            await sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(Guid.Parse(id), default);
        return true;
    });

    /// <summary>A Retell webhook for a call, stored and applied as the jobs service does.</summary>
    private async Task WebhookAsync(TestTenant tenant, string type, string callId, string? reason, Guid? lead = null, Guid? attempt = null,
        string? outcome = null, DateTimeOffset? callbackAt = null, DateTimeOffset? endedAt = null, bool apply = true)
    {
        if (lead is null || attempt is null)
        {
            var row = (await fixture.TextAsync($"SELECT lead_id::text || ',' || id::text FROM dial_attempts WHERE provider_call_id = '{callId}'"))!.Split(',');
            (lead, attempt) = (Guid.Parse(row[0]), Guid.Parse(row[1]));
        }
        var start = _clock.GetUtcNow().AddMinutes(-1).ToUnixTimeMilliseconds();
        var call = new Dictionary<string, object?>
        {
            ["call_type"] = "phone_call", ["call_id"] = callId, ["direction"] = "outbound", ["from_number"] = "+14155550100",
            ["metadata"] = new Dictionary<string, string> { ["client_id"] = tenant.Id.ToString(), ["lead_id"] = lead.ToString()!, ["attempt_id"] = attempt.ToString()! },
        };
        if (type == "call_started") (call["call_status"], call["start_timestamp"]) = ("ongoing", start);
        else
        {
            call["call_status"] = reason == "dial_no_answer" ? "not_connected" : "ended";
            call["end_timestamp"] = (endedAt ?? _clock.GetUtcNow()).ToUnixTimeMilliseconds();
            call["duration_ms"] = reason == "dial_no_answer" ? 0 : 60_000;
            call["disconnection_reason"] = reason;
            if (type == "call_analyzed")
                call["call_analysis"] = new Dictionary<string, object?>
                {
                    ["call_summary"] = "Summary.",
                    ["custom_analysis_data"] = new Dictionary<string, string?> { ["outcome"] = outcome ?? "none", ["callback_at"] = callbackAt?.ToString("O") },
                };
        }
        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["event"] = type, ["call"] = call });
        var id = await fixture.InTenantAsync(tenant, async sp =>
            (await sp.GetRequiredService<WebhookInbox>().AcceptAsync("retell", apply ? $"{callId}:{type}:{Guid.NewGuid()}" : $"{callId}:{type}", type, body, default))!.Value);
        if (!apply) return; // stored as the API stores it (its key as RetellWebhook makes it), not applied
        await fixture.InTenantAsync(tenant, async sp => { await sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default); return true; });
        Assert.Equal("processed", await fixture.TextAsync($"SELECT status || coalesce(error, '') FROM events WHERE id = '{id}'"));
    }
}
