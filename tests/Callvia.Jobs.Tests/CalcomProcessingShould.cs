using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

[Collection(JobsCollection.Name)]
public sealed class CalcomProcessingShould(JobsFixture fixture)
{
    private static string Booking(string trigger, string uid, string start, string? leadId = null, string? phone = null, string? email = null,
        string? rescheduleUid = null, string? rescheduleStart = null) =>
        CalcomEvents.Booking(trigger, uid, start, leadId, phone, email, rescheduleUid, rescheduleStart);

    [Fact]
    public async Task Match_the_lead_by_metadata_then_phone_then_email_within_the_tenant_and_keep_unmatched_bookings()
    {
        var tenant = await fixture.CreateTenantAsync();
        var other = await fixture.CreateTenantAsync();
        var byId = await fixture.CreateLeadAsync(tenant, "+12125550190", "id@example.com");
        var byPhone = await fixture.CreateLeadAsync(tenant, "+12125550191", "phone@example.com");
        var byEmail = await fixture.CreateLeadAsync(tenant, "+12125550192", "email@example.com");
        var theirs = await fixture.CreateLeadAsync(other, "+12125550193", "theirs@example.com");
        var u = Guid.NewGuid().ToString("N");

        await ApplyAsync(tenant, "BOOKING_CREATED", Booking("BOOKING_CREATED", u + "1", "2026-02-01T15:00:00Z", leadId: byId.ToString(), phone: "+12125550191"));
        await ApplyAsync(tenant, "BOOKING_CREATED", Booking("BOOKING_CREATED", u + "2", "2026-02-01T16:00:00Z", phone: "(212) 555-0191", email: "email@example.com"));
        await ApplyAsync(tenant, "BOOKING_CREATED", Booking("BOOKING_CREATED", u + "3", "2026-02-01T17:00:00Z", email: "EMAIL@example.com"));
        await ApplyAsync(tenant, "BOOKING_CREATED", Booking("BOOKING_CREATED", u + "4", "2026-02-01T18:00:00Z", leadId: theirs.ToString(), email: "stranger@example.com"));

        var rows = await AppointmentsAsync(tenant, u);
        Assert.Equal(byId, rows[u + "1"].LeadId);
        Assert.Equal(byPhone, rows[u + "2"].LeadId);
        Assert.Equal(byEmail, rows[u + "3"].LeadId);
        Assert.Null(rows[u + "4"].LeadId);   // another tenant's lead id is no match; the booking is kept
        Assert.All(rows.Values, a => Assert.Equal(AppointmentStatus.Booked, a.Status));
        Assert.Equal(LeadStatus.Booked, await LeadStatusAsync(tenant, byPhone));
        Assert.Equal(LeadStatus.New, await LeadStatusAsync(other, theirs));
    }

    [Fact]
    public async Task Follow_a_reschedule_chain_in_any_order_and_ignore_duplicates()
    {
        foreach (var reversed in new[] { false, true })
        {
            var tenant = await fixture.CreateTenantAsync();
            var lead = await fixture.CreateLeadAsync(tenant, "+12125550194", "chain@example.com");
            var u = Guid.NewGuid().ToString("N");
            var events = new List<(string, string)>
            {
                ("BOOKING_CREATED", Booking("BOOKING_CREATED", u + "A", "2026-03-01T15:00:00Z", leadId: lead.ToString())),
                ("BOOKING_RESCHEDULED", Booking("BOOKING_RESCHEDULED", u + "B", "2026-03-02T15:00:00Z", rescheduleUid: u + "A", rescheduleStart: "2026-03-01T15:00:00Z")),
                ("BOOKING_RESCHEDULED", Booking("BOOKING_RESCHEDULED", u + "C", "2026-03-03T15:00:00Z", rescheduleUid: u + "B", rescheduleStart: "2026-03-02T15:00:00Z")),
            };
            if (reversed) events.Reverse();
            foreach (var (trigger, body) in events.Concat(events))
                await ApplyAsync(tenant, trigger, body);

            var rows = await AppointmentsAsync(tenant, u);
            Assert.Equal(3, rows.Count);
            Assert.Equal(AppointmentStatus.Cancelled, rows[u + "A"].Status);
            Assert.Equal(AppointmentStatus.Cancelled, rows[u + "B"].Status);
            Assert.Equal(AppointmentStatus.Booked, rows[u + "C"].Status);
            Assert.Equal(DateTimeOffset.Parse("2026-03-03T15:00:00Z"), rows[u + "C"].StartsAt);
            Assert.Equal(u + "B", rows[u + "C"].RescheduledFromUid);
            Assert.Equal(u + "A", rows[u + "B"].RescheduledFromUid);
            Assert.All(rows.Values, a => Assert.Equal(lead, a.LeadId));
        }
    }

    [Fact]
    public async Task Cancel_a_booking_for_good_even_when_the_cancellation_comes_first()
    {
        var tenant = await fixture.CreateTenantAsync();
        var lead = await fixture.CreateLeadAsync(tenant, "+12125550195", "cancel@example.com");
        var u = Guid.NewGuid().ToString("N");
        var created = Booking("BOOKING_CREATED", u + "X", "2026-04-01T15:00:00Z", leadId: lead.ToString());
        var cancelled = Booking("BOOKING_CANCELLED", u + "X", "2026-04-01T15:00:00Z", leadId: lead.ToString());
        await ApplyAsync(tenant, "BOOKING_CANCELLED", cancelled);
        await ApplyAsync(tenant, "BOOKING_CREATED", created);
        await ApplyAsync(tenant, "BOOKING_CREATED", created);

        var row = Assert.Single(await AppointmentsAsync(tenant, u)).Value;
        Assert.Equal(AppointmentStatus.Cancelled, row.Status);
        Assert.NotNull(row.CancelledAt);
        Assert.Equal(DateTimeOffset.Parse("2026-04-01T15:00:00Z"), row.StartsAt);
    }

    private async Task ApplyAsync(TestTenant tenant, string trigger, string body)
    {
        var id = await fixture.InTenantAsync(tenant, async sp =>
            await sp.GetRequiredService<WebhookInbox>().AcceptAsync("calcom", Guid.NewGuid().ToString("N"), trigger, body, default));
        await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id!.Value, default));
    }


    private Task<LeadStatus> LeadStatusAsync(TestTenant tenant, Guid lead) =>
        fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<CallviaDbContext>().Leads.Where(l => l.Id == lead).Select(l => l.Status).SingleAsync());

    private Task<Dictionary<string, Appointment>> AppointmentsAsync(TestTenant tenant, string prefix) =>
        fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<CallviaDbContext>().Appointments.AsNoTracking()
            .Where(a => a.ProviderBookingUid.StartsWith(prefix)).ToDictionaryAsync(a => a.ProviderBookingUid));
}
