using System.Text.Json;
using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

[Collection(JobsCollection.Name)]
public sealed class InboundSmsShould(JobsFixture fixture)
{
    [Fact]
    public async Task Opt_a_number_out_on_STOP_with_exactly_one_confirmation()
    {
        var tenant = await fixture.CreateTenantAsync();
        var lead = await fixture.CreateLeadAsync(tenant, "+12125550160");
        await SmsAsync(tenant, "12125550160", "Stop");
        await SmsAsync(tenant, "12125550160", "STOP!");   // again: no second confirmation

        var state = await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            return (
                OptedOut: (await db.Leads.SingleAsync(l => l.Id == lead)).OptedOutAt is not null,
                Suppressed: await db.Suppressions.CountAsync(s => s.PhoneE164 == "+12125550160" && s.Source == "sms"),
                Confirmations: await db.Messages.CountAsync(m => m.Kind == MessageKinds.OptOutConfirmation && m.ToAddress == "+12125550160" && m.Status == MessageStatus.Scheduled && m.ScheduledFor != null),
                Inbound: await db.Messages.CountAsync(m => m.Direction == MessageDirection.Inbound && m.FromAddress == "+12125550160"));
        });
        Assert.Equal((true, 1, 1, 2), state);
    }

    [Fact]
    public async Task Record_YES_as_the_leads_answer_on_the_appointment_it_was_asked_about()
    {
        var tenant = await fixture.CreateTenantAsync();
        var lead = await fixture.CreateLeadAsync(tenant, "+12125550161");
        var appointment = await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var a = new Appointment { LeadId = lead, ProviderBookingUid = "bk_" + Guid.NewGuid().ToString("N"), StartsAt = DateTimeOffset.UtcNow.AddHours(-3), EndsAt = DateTimeOffset.UtcNow.AddHours(-2) };
            db.Appointments.Add(a);
            db.Messages.Add(new Message { LeadId = lead, AppointmentId = a.Id, Kind = MessageKinds.CheckIn, Channel = MessageChannel.Sms, Status = MessageStatus.Simulated,
                ToAddress = "+12125550161", Body = "Did you make it today? Reply YES or NO", SentAt = DateTimeOffset.UtcNow.AddHours(-1) });
            await db.SaveChangesAsync();
            return a.Id;
        });
        await SmsAsync(tenant, "+1 212 555 0161", " yes ");
        var answer = await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<CallviaDbContext>().Appointments.Where(a => a.Id == appointment).Select(a => a.LeadAnswer).SingleAsync());
        Assert.True(answer);
    }

    private async Task SmsAsync(TestTenant tenant, string from, string text)
    {
        var body = JsonSerializer.Serialize(new { originator = from, recipient = "3197010520000", payload = text });
        var id = (await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("messagebird", Guid.NewGuid().ToString("N"), "inbound_sms", body, default)))!.Value;
        Assert.True(await fixture.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default)));
    }

}
