using System.Text.Json;
using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Messaging;

/// <summary>
/// What the providers report after taking a message (docs/reminders.md, "Delivery receipts"), applied to the client's
/// messages, from the verified webhook inbox: MessageBird's delivery reports (delivered; delivery_failed or expired →
/// FAILED with the reason) and SendGrid's events (delivered; bounce → BOUNCED; dropped → FAILED, or BOUNCED for a
/// bounced address; spam reports and unsubscribes stop email to the address). A bounced, reported or unsubscribed
/// address goes on the client's list (<see cref="EmailBounce"/>): no email goes to it again.
/// <para>The status only moves forward: SENT or SIMULATED → DELIVERED → FAILED / BOUNCED (a bounce may come after the
/// receiving server said 250); nothing moves a FAILED or BOUNCED message back, and a late "delivered" after a failure
/// changes nothing. A report for a message whose own send is not recorded yet (still SCHEDULED) is retried later
/// (the event's retries), so it never races the sender's save.</para>
/// </summary>
public sealed class DeliveryReceipts(CallviaDbContext db)
{
    /// <summary>The SendGrid event types applied here; a delivery without any of them is acknowledged and not stored.</summary>
    public static readonly HashSet<string> SendGridEvents = ["delivered", "bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe"];

    /// <summary>A report came before the sender recorded its message as sent: the event is retried.</summary>
    public sealed class NotYetSentException(Guid id) : Exception($"Message {id} is not recorded as sent yet; the report is applied on a retry.");

    public async Task ApplySendGridAsync(JsonElement events, CancellationToken ct)
    {
        var list = events.EnumerateArray().Where(e => JsonFields.Str(e, "event") is { } t && SendGridEvents.Contains(t)).ToList();
        var ids = list.Select(e => Guid.TryParse(JsonFields.Str(e, "message_id"), out var id) ? id : (Guid?)null).OfType<Guid>().Distinct().ToList();
        var providerIds = list.Select(e => JsonFields.Str(e, "sg_message_id")?.Split('.')[0]).OfType<string>().Distinct().ToList();
        var messages = await db.Messages
            .Where(m => m.Channel == MessageChannel.Email && (ids.Contains(m.Id) || (m.ProviderMessageId != null && providerIds.Contains(m.ProviderMessageId))))
            .ToListAsync(ct);
        foreach (var e in list.OrderBy(e => e.TryGetProperty("timestamp", out var t) && t.TryGetInt64(out var s) ? s : 0))
        {
            var type = JsonFields.Str(e, "event")!;
            var email = JsonFields.Str(e, "email")?.Trim().ToLowerInvariant();
            var message = Guid.TryParse(JsonFields.Str(e, "message_id"), out var id) ? messages.FirstOrDefault(m => m.Id == id) : null;
            message ??= JsonFields.Str(e, "sg_message_id")?.Split('.')[0] is { } sg ? messages.FirstOrDefault(m => m.ProviderMessageId == sg) : null;
            var reason = JsonFields.Str(e, "reason") ?? JsonFields.Str(e, "response");
            switch (type)
            {
                case "delivered":
                    if (message is not null) Advance(message, MessageStatus.Delivered, null);
                    break;
                case "bounce":
                    if (message is not null) Advance(message, MessageStatus.Bounced, $"SendGrid: bounced{(reason is null ? "" : $" ({reason})")}.");
                    await StopEmailAsync(email, "bounce: " + (reason ?? "no reason given"), ct);
                    break;
                case "dropped":
                    var bounced = reason?.Contains("bounce", StringComparison.OrdinalIgnoreCase) == true;
                    if (message is not null) Advance(message, bounced ? MessageStatus.Bounced : MessageStatus.Failed, $"SendGrid dropped it{(reason is null ? "" : $" ({reason})")}.");
                    if (bounced) await StopEmailAsync(email, "dropped: " + reason, ct);
                    break;
                default: // spamreport, unsubscribe, group_unsubscribe: the person asked for no more email
                    await StopEmailAsync(email, type == "spamreport" ? "reported as spam" : "unsubscribed", ct);
                    break;
            }
        }
    }

    public async Task ApplyMessageBirdAsync(JsonElement report, CancellationToken ct)
    {
        var providerId = JsonFields.Str(report, "id");
        var reference = Guid.TryParse(JsonFields.Str(report, "reference"), out var r) ? r : (Guid?)null;
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Channel == MessageChannel.Sms
            && ((reference != null && m.Id == reference) || (providerId != null && m.ProviderMessageId == providerId)), ct);
        if (message is null) return; // not ours (another platform's number, or deleted): acknowledged, nothing to change
        var status = JsonFields.Str(report, "status");
        var code = JsonFields.Str(report, "statusErrorCode");
        switch (status)
        {
            case "delivered":
                Advance(message, MessageStatus.Delivered, null);
                break;
            case "delivery_failed" or "expired":
                Advance(message, MessageStatus.Failed, $"MessageBird: {status.Replace('_', ' ')}{(code is null ? "" : $" (error {code})")}.");
                break;
        }
    }

    /// <summary>The one rule of how a report moves a message's status (forward only).</summary>
    public static void Advance(Message message, MessageStatus to, string? reason)
    {
        if (message.Status == MessageStatus.Scheduled) throw new NotYetSentException(message.Id);
        var rank = (MessageStatus s) => s switch
        {
            MessageStatus.Sent or MessageStatus.Simulated => 1,
            MessageStatus.Delivered => 2,
            MessageStatus.Failed or MessageStatus.Bounced => 3,
            _ => 9, // cancelled, received: reports do not apply
        };
        if (rank(message.Status) >= rank(to)) return;
        message.Status = to;
        if (reason is not null) message.Error = reason.Length > 1000 ? reason[..1000] : reason;
    }

    private async Task StopEmailAsync(string? email, string reason, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(email) || email.Length > 320) return;
        if (db.EmailBounces.Local.Any(b => b.Email == email) || await db.EmailBounces.AnyAsync(b => b.Email == email, ct)) return;
        db.EmailBounces.Add(new EmailBounce { Email = email, Reason = reason.Length > 500 ? reason[..500] : reason });
    }
}
