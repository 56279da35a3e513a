using Callvia.Core.Tenancy;
using System.Text.Json;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Messaging;

/// <summary>
/// A text from a lead: kept as an inbound message; STOP (and the usual synonyms) opts the number out
/// everywhere in the tenant and suppresses it, with one confirmation (a second STOP sends none);
/// YES / NO answers the latest check-in sent to that number (the lead's answer on that appointment).
/// The confirmation is scheduled for now and sent by the jobs service (ScheduledMessageSender), the one text that still
/// goes to a number that just opted out.
/// </summary>
public sealed class InboundSms(CallviaDbContext db, TimeProvider clock)
{
    private static readonly HashSet<string> StopWords = ["STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT OUT", "REVOKE"];
    private static readonly HashSet<string> Yes = ["YES", "Y", "YEP", "YEAH", "I DID", "SHOWED"];
    private static readonly HashSet<string> No = ["NO", "N", "NOPE", "I DID NOT", "DIDN'T"];
    public const string OptOutConfirmationText = "You're unsubscribed and will get no more messages from us. Reply START to undo.";

    public async Task ApplyAsync(JsonElement body, CancellationToken ct)
    {
        var from = Str(body, "originator") ?? "";
        var to = Str(body, "recipient");
        var text = Str(body, "payload") ?? Str(body, "body") ?? "";
        var region = await db.ClientRegionAsync(ct);
        var phone = Leads.PhoneNumbers.ToE164(from.StartsWith('+') ? from : "+" + from, region) ?? Leads.PhoneNumbers.ToE164(from, region) ?? from;
        var leads = await db.Leads.Where(l => l.PhoneE164 == phone).ToListAsync(ct);
        var now = clock.GetUtcNow();
        db.Messages.Add(new Message
        {
            LeadId = leads.OrderByDescending(l => l.CreatedAt).FirstOrDefault()?.Id, Kind = MessageKinds.Inbound, Channel = MessageChannel.Sms,
            Direction = MessageDirection.Inbound, Status = MessageStatus.Received, ToAddress = to ?? "", FromAddress = phone,
            Body = text.Length > 5000 ? text[..5000] : text, SentAt = now,
        });

        var word = Normalize(text);
        if (StopWords.Contains(word))
        {
            foreach (var lead in leads) lead.OptedOutAt ??= now;
            if (!await db.Suppressions.AnyAsync(s => s.PhoneE164 == phone, ct))
            {
                db.Suppressions.Add(new Suppression { PhoneE164 = phone, Source = "sms", Reason = "replied " + word });
                // the one confirmation, sent by the jobs service's sender at once (SIMULATED without MessageBird's key)
                db.Messages.Add(new Message
                {
                    LeadId = leads.FirstOrDefault()?.Id, Kind = MessageKinds.OptOutConfirmation, Channel = MessageChannel.Sms,
                    Status = MessageStatus.Scheduled, ToAddress = phone, Body = OptOutConfirmationText, ScheduledFor = now,
                });
            }
            return;
        }

        bool? answer = Yes.Contains(word) ? true : No.Contains(word) ? false : null;
        if (answer is null) return;
        // the latest check-in that went out (one still scheduled, of a later appointment, was not asked yet)
        var checkIn = await db.Messages.Where(m => m.Kind == MessageKinds.CheckIn && m.ToAddress == phone && m.AppointmentId != null && m.SentAt != null
                                                   && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.Delivered || m.Status == MessageStatus.Simulated))
            .OrderByDescending(m => m.SentAt).FirstOrDefaultAsync(ct);
        if (checkIn is not null && await db.Appointments.SingleOrDefaultAsync(a => a.Id == checkIn.AppointmentId, ct) is { } appointment
            && appointment.LeadAnswer is null)
        {
            appointment.LeadAnswer = answer;
            appointment.LeadAnsweredAt = now;
        }
    }

    private static string Normalize(string text) =>
        new string(text.Trim().ToUpperInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '\'').ToArray()).Trim();

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null } : null;
}
