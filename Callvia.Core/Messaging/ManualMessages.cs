using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Callvia.Core.Messaging;

/// <summary>A client's message to one of its leads, as GraphQL and REST receive it (channel "sms" or "email").</summary>
public sealed record ManualMessageInput(Guid? LeadId, string? Channel, string? Subject, string? Body, string? IdempotencyKey);

/// <summary>
/// Manual messages to leads, the rules in one place (GraphQL <c>sendMessage</c> and REST <c>POST /api/messages/send</c>
/// both call <see cref="SendAsync"/>):
/// <list type="bullet">
/// <item>the lead must be the client's (another client's lead is NOT_FOUND, like an unknown one);</item>
/// <item>nobody who opted out, and no lead whose number is on the do-not-contact list, gets anything, on either channel (OPTED_OUT);</item>
/// <item>SMS: the lead's number, a body of at most <see cref="MaxSmsLength"/> characters, no subject;
/// email: the lead's address, a body of at most <see cref="MaxEmailLength"/>, a subject of at most
/// <see cref="MaxSubjectLength"/> (default "A message from {client name}");</item>
/// <item>an idempotency key (at most 100 printable characters) returns the first message sent with it, unsent again;</item>
/// <item>bad input writes nothing; a good message is stored (SCHEDULED) before it is handed to the provider once.</item>
/// </list>
/// </summary>
public sealed class ManualMessages(CallviaDbContext db, MessageDelivery delivery)
{
    public const int MaxSmsLength = 1_600;
    public const int MaxEmailLength = 50_000;
    public const int MaxSubjectLength = 300;
    public const int MaxIdempotencyKeyLength = 100;
    public const string OptedOut = "OPTED_OUT";

    public async Task<(Message? Message, List<FieldIssue> Issues)> SendAsync(ManualMessageInput input, CancellationToken ct)
    {
        var issues = new List<FieldIssue>();
        MessageChannel? channel = input.Channel?.Trim().ToLowerInvariant() switch
        {
            "sms" => MessageChannel.Sms,
            "email" => MessageChannel.Email,
            _ => null,
        };
        if (channel is null) issues.Add(new FieldIssue("channel", "channel must be \"sms\" or \"email\"."));
        var body = input.Body?.Trim();
        if (string.IsNullOrEmpty(body)) issues.Add(new FieldIssue("body", "The message needs a body."));
        else if (channel == MessageChannel.Sms && body.Length > MaxSmsLength) issues.Add(new FieldIssue("body", $"An SMS is at most {MaxSmsLength:N0} characters (this one has {body.Length:N0})."));
        else if (body.Length > MaxEmailLength) issues.Add(new FieldIssue("body", $"An email body is at most {MaxEmailLength:N0} characters (this one has {body.Length:N0})."));
        var subject = string.IsNullOrWhiteSpace(input.Subject) ? null : input.Subject.Trim();
        if (subject is not null && channel == MessageChannel.Sms) issues.Add(new FieldIssue("subject", "An SMS has no subject."));
        if (subject is { Length: > MaxSubjectLength }) issues.Add(new FieldIssue("subject", $"A subject is at most {MaxSubjectLength} characters."));
        if (subject is not null && subject.Any(char.IsControl)) issues.Add(new FieldIssue("subject", "A subject is one line."));
        var key = input.IdempotencyKey;
        if (key is not null && (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~')))
            issues.Add(new FieldIssue("idempotencyKey", $"An idempotency key is 1 to {MaxIdempotencyKeyLength} printable ASCII characters without spaces."));
        if (input.LeadId is null) issues.Add(new FieldIssue("leadId", "leadId is required: the lead's id."));
        foreach (var (field, label, value) in new[] { ("body", "The body", input.Body), ("subject", "The subject", input.Subject), ("idempotencyKey", "The idempotency key", key) })
            if (Validation.TextInput.Problem(label, value) is { } unstorable)
            {
                issues.RemoveAll(i => i.Field == field);
                issues.Add(new FieldIssue(field, unstorable));
            }
        if (issues.Count > 0) return (null, issues);

        if (key is not null && await FindByKeyAsync(key, ct) is { } earlier) return (earlier, []);

        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == input.LeadId, ct);
        if (lead is null) return (null, [new FieldIssue("leadId", "No such lead.", "NOT_FOUND")]);
        if (lead.OptedOutAt is not null)
            return (null, [new FieldIssue("leadId", "This lead opted out of messages; nothing is sent to them.", OptedOut)]);
        if (await db.Suppressions.AnyAsync(s => s.PhoneE164 == lead.PhoneE164, ct))
            return (null, [new FieldIssue("leadId", "This lead's number is on the do-not-contact list; nothing is sent to them.", OptedOut)]);
        string to;
        if (channel == MessageChannel.Sms)
        {
            if (string.IsNullOrEmpty(lead.PhoneE164)) return (null, [new FieldIssue("leadId", "This lead has no phone number.")]);
            to = lead.PhoneE164;
        }
        else
        {
            if (string.IsNullOrWhiteSpace(lead.Email)) return (null, [new FieldIssue("leadId", "This lead has no email address.")]);
            to = lead.Email.Trim();
            subject ??= "A message from " + await db.Clients.Where(c => c.Id == lead.ClientId).Select(c => c.Name).SingleAsync(ct);
        }

        var message = new Message
        {
            LeadId = lead.Id, Kind = MessageKinds.Manual, Channel = channel!.Value, Direction = MessageDirection.Outbound,
            Status = MessageStatus.Scheduled, ToAddress = to, Subject = subject, Body = body!, IdempotencyKey = key,
        };
        db.Messages.Add(message);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (key is not null && e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // the same key arrived twice at once: the other request stored (and sends) it
            db.Entry(message).State = EntityState.Detached;
            return (await FindByKeyAsync(key, ct), []);
        }
        await delivery.DeliverAsync(message);
        return (message, []);
    }

    private Task<Message?> FindByKeyAsync(string key, CancellationToken ct) =>
        db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.IdempotencyKey == key && m.Kind == MessageKinds.Manual, ct);
}
