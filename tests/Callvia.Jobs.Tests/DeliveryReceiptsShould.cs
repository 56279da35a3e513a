using Callvia.Core.Messaging;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// What the providers report after a message went out (<see cref="JobsInstances"/>): SendGrid's events and MessageBird's
/// delivery reports, stored in the inbox and applied as the jobs service applies them. In August 2026.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class DeliveryReceiptsShould(JobsFixture fixture) : JobsInstances(fixture, new DateTimeOffset(2026, 8, 1, 12, 0, 0, TimeSpan.Zero))
{
    [Fact]
    public async Task Mark_email_delivered_or_bounced_and_never_email_a_bounced_address_again()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var delivered = await LeadAsync(tenant, "+12125550301", "America/New_York", "fine@example.com");
        var bounces = await LeadAsync(tenant, "+12125550302", "America/New_York", "Gone@Example.com");
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u + "1", "2026-08-10T15:00:00Z", delivered);
        await BookAsync(tenant, "BOOKING_CREATED", u + "2", "2026-08-10T15:00:00Z", bounces);
        await BookAsync(tenant, "BOOKING_CREATED", u + "3", "2026-08-12T15:00:00Z", bounces);
        await DrainUntilAsync("2026-08-09T15:00:00Z");
        await SendDueAsync();
        var fine = (await MessagesAsync(tenant, u + "1")).Single(m => m.Channel == MessageChannel.Email);
        var gone = (await MessagesAsync(tenant, u + "2")).Single(m => m.Channel == MessageChannel.Email);
        Assert.Equal((MessageStatus.Sent, MessageStatus.Sent), (fine.Status, gone.Status));

        // SendGrid's batch: custom_args as top-level keys; the bounce comes before a (late, out of order) "delivered"
        var events = $$"""
            [{"email":"fine@example.com","timestamp":1786287700,"event":"delivered","sg_event_id":"d-{{u}}","sg_message_id":"{{fine.ProviderMessageId}}.filter0001","response":"250 OK","message_id":"{{fine.Id}}","client_id":"{{tenant.Id}}"},
             {"email":"Gone@Example.com","timestamp":1786287701,"event":"bounce","sg_event_id":"b-{{u}}","sg_message_id":"{{gone.ProviderMessageId}}.filter0002","reason":"550 5.1.1 The email account does not exist","type":"bounce","message_id":"{{gone.Id}}"},
             {"email":"Gone@Example.com","timestamp":1786287702,"event":"delivered","sg_event_id":"d2-{{u}}","sg_message_id":"{{gone.ProviderMessageId}}.filter0002"},
             {"email":"fine@example.com","timestamp":1786287703,"event":"open","sg_event_id":"o-{{u}}","sg_message_id":"{{fine.ProviderMessageId}}.filter0001"}]
            """ + "\r\n";
        Assert.True(await ProcessAsync(tenant, "sendgrid", "events:" + u, "events", events));

        fine = (await MessagesAsync(tenant, u + "1")).Single(m => m.Channel == MessageChannel.Email);
        gone = (await MessagesAsync(tenant, u + "2")).Single(m => m.Channel == MessageChannel.Email);
        Assert.Equal(MessageStatus.Delivered, fine.Status);
        Assert.Equal((MessageStatus.Bounced, "SendGrid: bounced (550 5.1.1 The email account does not exist)."), (gone.Status, gone.Error));
        Assert.Equal("bounce: 550 5.1.1 The email account does not exist",
            await Fixture.TextAsync($"SELECT reason FROM email_bounces WHERE client_id = '{tenant.Id}' AND email = 'gone@example.com'"));

        // the lead's next appointment: its email is not sent to the bounced address, its text still is
        await DrainUntilAsync("2026-08-11T15:00:00Z");
        await SendDueAsync();
        var next = (await MessagesAsync(tenant, u + "3")).Where(m => m.Kind == "reminder_24h").ToDictionary(m => m.Channel);
        Assert.Equal((MessageStatus.Cancelled, "Not sent: email to this address bounced before."), (next[MessageChannel.Email].Status, next[MessageChannel.Email].Error));
        Assert.Equal(MessageStatus.Sent, next[MessageChannel.Sms].Status);
    }

    [Fact]
    public async Task Apply_messagebird_reports_forward_only_and_wait_for_a_message_whose_send_is_not_recorded_yet()
    {
        var (_, tenant) = await HostAndTenantAsync();
        var a = await LeadAsync(tenant, "+12125550311", "America/New_York", null);
        var b = await LeadAsync(tenant, "+12125550312", "America/New_York", null);
        var u = Guid.NewGuid().ToString("N");
        await BookAsync(tenant, "BOOKING_CREATED", u + "a", "2026-08-20T15:00:00Z", a);
        await BookAsync(tenant, "BOOKING_CREATED", u + "b", "2026-08-20T15:00:00Z", b);
        var early = (await MessagesAsync(tenant, u + "a")).Single(m => m.Kind == "reminder_24h" && m.Channel == MessageChannel.Sms);

        // a report naming a message still scheduled (its send not recorded): not applied now, retried
        var id = await StoreAsync(tenant, "messagebird", $"report:{early.Id}:delivered", "delivery_report",
            $$"""{"id":null,"reference":"{{early.Id}}","recipient":"12125550311","status":"delivered","statusDatetime":"2026-08-19T15:00:05+00:00"}""");
        await Assert.ThrowsAsync<DeliveryReceipts.NotYetSentException>(() => ProcessStoredAsync(tenant, id));
        Assert.Equal("received", await Fixture.TextAsync($"SELECT status FROM events WHERE id = '{id}'"));

        await DrainUntilAsync("2026-08-19T15:00:00Z");
        await SendDueAsync();
        Assert.True(await ProcessStoredAsync(tenant, id));
        var sent = (await MessagesAsync(tenant, u)).Where(m => m.Kind == "reminder_24h" && m.Channel == MessageChannel.Sms).ToDictionary(m => m.LeadId!.Value);
        Assert.Equal(MessageStatus.Delivered, sent[a].Status);

        // by MessageBird's id: failed with the reason; a later "delivered" does not undo it
        Assert.True(await ProcessAsync(tenant, "messagebird", $"report:{sent[b].ProviderMessageId}:delivery_failed", "delivery_report",
            $$"""{"id":"{{sent[b].ProviderMessageId}}","reference":null,"status":"delivery_failed","statusDatetime":"2026-08-19T15:00:09+00:00","statusErrorCode":"104"}"""));
        Assert.True(await ProcessAsync(tenant, "messagebird", $"report:{sent[b].ProviderMessageId}:delivered", "delivery_report",
            $$"""{"id":"{{sent[b].ProviderMessageId}}","reference":null,"status":"delivered","statusDatetime":"2026-08-19T15:00:10+00:00"}"""));
        var failed = (await MessagesAsync(tenant, u + "b")).Single(m => m.Kind == "reminder_24h" && m.Channel == MessageChannel.Sms);
        Assert.Equal((MessageStatus.Failed, "MessageBird: delivery failed (error 104)."), (failed.Status, failed.Error));
    }

    // ---- helpers

    private Task<Guid> StoreAsync(TestTenant tenant, string provider, string key, string type, string payload) =>
        InHostAsync(Hosts[0], tenant, async sp => (await sp.GetRequiredService<WebhookInbox>().AcceptAsync(provider, key, type, payload, default))!.Value);

    private Task<bool> ProcessStoredAsync(TestTenant tenant, Guid id) =>
        InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default));

    private async Task<bool> ProcessAsync(TestTenant tenant, string provider, string key, string type, string payload) =>
        await ProcessStoredAsync(tenant, await StoreAsync(tenant, provider, key, type, payload));
}
