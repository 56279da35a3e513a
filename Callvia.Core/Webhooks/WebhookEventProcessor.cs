using System.Text.Json;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Callvia.Core.Webhooks;

/// <summary>
/// Applies one stored event inside its tenant's scope: the event row is locked, its effects and its
/// 'processed' mark are committed together, so a retry after a crash redoes the whole of it or nothing,
/// and an event already processed is skipped.
/// </summary>
public sealed class WebhookEventProcessor(CallviaDbContext db, RetellCallEvents retell, Appointments.CalcomBookingEvents calcom, Billing.StripeInvoiceEvents stripe, Tenancy.KpiNotifier kpis, Messaging.InboundSms sms, TimeProvider clock, ILogger<WebhookEventProcessor> logger)
{
    /// <summary>Returns false when there was nothing to do (unknown, or processed already).</summary>
    public async Task<bool> ProcessAsync(Guid eventId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ev = await db.Events.FromSql($"SELECT * FROM events WHERE id = {eventId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (ev is null || ev.Status is EventStatus.Processed or EventStatus.Ignored)
            return false;
        using var payload = JsonDocument.Parse(ev.Payload);
        switch (ev.Provider)
        {
            case "retell":
                await retell.ApplyAsync(ev.EventType, payload.RootElement, ct);
                break;
            case "calcom":
                await calcom.ApplyAsync(ev.EventType, payload.RootElement, ct);
                break;
            case "messagebird":
                await sms.ApplyAsync(payload.RootElement, ct);
                break;
            case "stripe":
                Stripe.Event stripeEvent;
                try
                {
                    stripeEvent = Billing.StripeInvoiceEvents.Parse(ev.Payload);
                }
                catch (Stripe.StripeException e)
                {
                    // another API version train: retrying cannot help; keep it, visibly failed
                    ev.Status = EventStatus.Failed;
                    ev.Error = e.Message + " (the Stripe webhook endpoint must use the SDK's API version)";
                    ev.Attempts++;
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    return false;
                }
                await stripe.ApplyAsync(stripeEvent, ct);
                break;
            default:
                // handled by later parts of the webhook work; left for them, not marked
                logger.LogDebug("No processor for {Provider} events yet", ev.Provider);
                return false;
        }
        ev.Status = EventStatus.Processed;
        ev.Attempts++;
        ev.ProcessedAt = clock.GetUtcNow();
        ev.Error = null;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (ev.ClientId is { } clientId)
            await kpis.PublishAsync(clientId, $"{ev.Provider}:{ev.EventType}");
        return true;
    }
}
