using System.Net;
using Callvia.Core.Data;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using static Callvia.Portal.Tests.BrowserKit;

namespace Callvia.Portal.Tests;

/// <summary>The appointments list, calendar and verification, in Chromium and over HTTP.</summary>
[Collection(PortalCollection.Name)]
public sealed class AppointmentsShould(PortalFixture fixture)
{
    /// <summary>An appointment of the tenant's lead that started <paramref name="startedHoursAgo"/> hours ago, booked.</summary>
    private async Task<Guid> PastAppointmentAsync(TestTenant tenant, int startedHoursAgo = 3)
    {
        var id = Guid.CreateVersion7();
        await fixture.ExecuteAsync($"""
            INSERT INTO appointments (id, client_id, lead_id, campaign_id, provider_booking_uid, title, starts_at, ends_at, status, booked_at, created_at, updated_at)
            SELECT '{id}', client_id, id, campaign_id, 'bk_past_{id:N}', 'Consultation', now() - interval '{startedHoursAgo} hours',
                   now() - interval '{startedHoursAgo} hours' + interval '30 minutes', 'booked', now() - interval '2 days', now(), now()
            FROM leads WHERE client_id = '{tenant.Id}' AND first_name = 'Lee'
            """);
        return id;
    }

    [Fact]
    public async Task List_upcoming_and_to_verify_record_the_clients_answer_correct_it_and_show_the_calendar()
    {
        var tenant = await fixture.CreateTenantAsync("Appt " + Guid.NewGuid().ToString("N")[..4]);
        var past = await PastAppointmentAsync(tenant);
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "appointments");
        await SignInAsync(page, tenant);
        await page.WaitForSelectorAsync("[data-testid=appointment-list]");

        // upcoming: the tenant's appointment of tomorrow, which cannot be verified before it starts
        Assert.Equal(1, await page.Locator("[data-testid=appointment]").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=verify-form]").CountAsync());
        Assert.Equal("1", await page.InnerTextAsync("[data-testid=to-verify-count]"));
        await ShotAsync(page, "appointments");

        await page.ClickAsync("[data-testid=view-to_verify]");
        await page.WaitForURLAsync(url => url.Contains("show=to_verify"));
        var card = page.Locator($"#a-{past}");
        await card.Locator("input[name=note]").FillAsync("Came with her husband");
        await card.Locator("[data-testid=answer-shown]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("saved=shown"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal("Recorded: the lead showed up.", await page.InnerTextAsync("[data-testid=notice]"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE id = '{past}' AND status = 'shown' AND verification_source = 'client' AND client_note = 'Came with her husband'"));
        Assert.Equal(0, await page.Locator("[data-testid=to-verify-count]").CountAsync());

        // shown: what decided it, and a correction
        await page.ClickAsync("[data-testid=view-shown]");
        await page.WaitForURLAsync(url => url.Contains("show=shown"));
        Assert.Contains("Decided by the client's answer", await page.InnerTextAsync($"#a-{past} [data-testid=decided-by]"));
        await page.ClickAsync($"#a-{past} [data-testid=answer-no-show]");
        await page.WaitForURLAsync(url => url.Contains("saved=no_show"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE id = '{past}' AND status = 'no_show' AND client_answer = false"));

        // the month calendar holds both appointments on their local days; the week of today holds today's
        await page.ClickAsync("[data-testid=view-all]");
        await page.ClickAsync("[data-testid=layout-month]");
        await page.WaitForSelectorAsync("[data-testid=month]");
        Assert.True(await page.Locator("[data-testid=month] .item").CountAsync() >= 2);
        await ShotAsync(page, "appointments-month");
        await page.ClickAsync("[data-testid=layout-week]");
        await page.WaitForSelectorAsync("[data-testid=week]");
        Assert.True(await page.Locator("[data-testid=week] [data-testid=appointment]").CountAsync() >= 1);
        await ShotAsync(page, "appointments-week");
    }

    [Fact]
    public async Task Let_a_client_user_verify_but_refuse_another_clients_appointment_and_one_not_started()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var past = await PastAppointmentAsync(a);
        var upcoming = await fixture.InTenantAsync(a, sp => sp.GetRequiredService<CallviaDbContext>().Appointments
            .Where(x => x.StartsAt > DateTimeOffset.UtcNow).Select(x => x.Id).SingleAsync());

        using var other = fixture.Portal.CreateClient(b.Slug);
        await other.SignInAsync(b.AdminEmail, b.Password);
        using (var stolen = await other.PostFormAsync("/appointments", "/appointments?handler=Verify", new() { ["appointmentId"] = past.ToString(), ["answer"] = "no_show" }))
            Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE id = '{past}' AND status = 'booked'"));

        var email = await fixture.CreateClientUserAsync(a);
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(email, TestData.Password);
        using (var early = await portal.PostFormAsync("/appointments", "/appointments?handler=Verify", new() { ["appointmentId"] = upcoming.ToString(), ["answer"] = "shown" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);
            Assert.Contains("has not started yet", await early.Content.ReadAsStringAsync());
        }
        using (var bogus = await portal.PostFormAsync("/appointments", "/appointments?handler=Verify", new() { ["appointmentId"] = past.ToString(), ["answer"] = "maybe" }))
            Assert.Equal(HttpStatusCode.BadRequest, bogus.StatusCode);
        using (var answer = await portal.PostFormAsync("/appointments", "/appointments?handler=Verify", new() { ["appointmentId"] = past.ToString(), ["answer"] = "shown" }))
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE id = '{past}' AND status = 'shown' AND verification_source = 'client'"));
    }

    [Fact]
    public async Task Show_the_evidence_of_the_rule_that_decided_and_an_appointments_reminders_on_the_leads_history()
    {
        var tenant = await fixture.CreateTenantAsync();
        var past = await PastAppointmentAsync(tenant, startedHoursAgo: 60);
        await fixture.ExecuteAsync($"""
            UPDATE appointments SET status = 'shown', verification_source = 'call', verified_at = now(),
                   verification_note = 'A call with the lead (call_evidence_1, 95 s) started at 2026-12-01 15:05 UTC, between 10 minutes before the start and 30 minutes after the end.'
            WHERE id = '{past}';
            INSERT INTO messages (id, client_id, lead_id, appointment_id, kind, channel, direction, status, to_address, body, error, scheduled_for, created_at, updated_at)
            SELECT '{Guid.CreateVersion7()}', client_id, lead_id, id, 'reminder_2h', 'sms', 'outbound', 'cancelled', '+12025550100', 'See you soon',
                   'Not sent: the lead opted out of messages.', starts_at - interval '2 hours', now(), now() FROM appointments WHERE id = '{past}'
            """);
        var lead = await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<CallviaDbContext>().Appointments.Where(a => a.Id == past).Select(a => a.LeadId!.Value).SingleAsync());
        using var portal = fixture.Portal.CreateClient(tenant.Slug);
        await portal.SignInAsync(tenant.AdminEmail, tenant.Password);

        var shown = await portal.GetStringAsync("/appointments?show=shown");
        Assert.Contains("A call with the lead (call_evidence_1, 95 s)", shown);
        Assert.Contains("data-testid=\"appointment-messages\"", shown); // the card lists its reminders, with why one was not sent
        Assert.Contains("Not sent: the lead opted out of messages.", shown);
        var history = await portal.GetStringAsync($"/leads/{lead}");
        Assert.Contains("A call with the lead (call_evidence_1, 95 s)", history);
        Assert.Contains("Not sent: the lead opted out of messages.", history);
    }
}
