using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Messaging;

/// <summary>
/// Manual suppression rules, in one place. Suppressing a number stops every call and message to it across the
/// client's campaigns (the dialer and senders check <c>suppressions</c>). Lifting it is allowed only for a
/// suppression made by hand or by an import: a number that opted out itself (SMS STOP) or asked on a call not to
/// be contacted stays suppressed — only the person can undo that.
/// </summary>
public sealed class SuppressionList(CallviaDbContext db)
{
    public static readonly IReadOnlySet<string> LiftableSources = new HashSet<string> { "manual", "import" };

    public async Task<(Suppression? Suppression, List<FieldIssue> Issues)> SuppressAsync(string phone, string? reason, CancellationToken ct)
    {
        if (await NormalizeAsync(phone, ct) is not { } e164) return (null, [new FieldIssue("phone", "Not a phone number.")]);
        if (reason is { Length: > 500 }) return (null, [new FieldIssue("reason", "Over 500 characters.")]);
        var existing = await db.Suppressions.SingleOrDefaultAsync(s => s.PhoneE164 == e164, ct);
        if (existing is not null) return (existing, []);
        var row = new Suppression { PhoneE164 = e164, Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), Source = "manual" };
        db.Suppressions.Add(row);
        await db.SaveChangesAsync(ct);
        return (row, []);
    }

    public async Task<(Suppression? Lifted, List<FieldIssue> Issues)> UnsuppressAsync(string phone, CancellationToken ct)
    {
        if (await NormalizeAsync(phone, ct) is not { } e164) return (null, [new FieldIssue("phone", "Not a phone number.")]);
        var existing = await db.Suppressions.SingleOrDefaultAsync(s => s.PhoneE164 == e164, ct);
        if (existing is null) return (null, [new FieldIssue("phone", "This number is not suppressed.", "NOT_FOUND")]);
        if (!LiftableSources.Contains(existing.Source))
            return (null, [new FieldIssue("phone", existing.Source == "sms"
                ? "This number opted out by SMS; only its owner can opt back in (by texting START)."
                : "This number asked not to be contacted; it cannot be lifted by hand.", "FORBIDDEN")]);
        db.Suppressions.Remove(existing);
        await db.SaveChangesAsync(ct);
        return (existing, []);
    }

    private async Task<string?> NormalizeAsync(string phone, CancellationToken ct) =>
        phone.Length > 40 ? null : Leads.PhoneNumbers.ToE164(phone, await db.ClientRegionAsync(ct));
}
