using System.Globalization;
using System.Text;
using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Billing;

/// <summary>One appointment in a milestone's evidence, with its verification as it was when it counted.</summary>
public sealed record EvidenceEntry(
    int? Position, Guid AppointmentId, Guid? LeadId, string BookingUid, string Lead, string? Campaign, DateTimeOffset StartsAt,
    VerificationSource Source, DateTimeOffset VerifiedAt, string VerifiedBy, string? Note, DateTimeOffset EnteredAt,
    Guid? ReplacesAppointmentId, DateTimeOffset? RemovedAt, string? RemovedReason)
{
    public int Rule => EvidenceRules.Number(Source);
    public string RuleText => EvidenceRules.Describe(Source);
}

/// <summary>
/// A milestone's evidence: the appointments that count for it (one per place, 1 to the client's milestone size), how each
/// was verified (which rule of the hierarchy, when, by whom), and the appointments corrected out of it since (kept, with
/// who corrected them and when). <see cref="OpenPlaces"/> are places a correction left that the next shown appointment
/// fills.
/// </summary>
public sealed record MilestoneEvidenceSheet(Milestone Milestone, Invoice? Invoice, int Size, string TimeZone,
    IReadOnlyList<EvidenceEntry> Counting, IReadOnlyList<EvidenceEntry> Removed)
{
    public int OpenPlaces => Removed.Select(r => r.Position).Distinct().Count(p => Counting.All(c => c.Position != p));
}

/// <summary>The verification hierarchy's rules (design.md "Show verification"), numbered and in words: one home for both.</summary>
public static class EvidenceRules
{
    public static int Number(VerificationSource source) => source switch
    {
        VerificationSource.Client => 1, VerificationSource.Lead => 2, VerificationSource.Call => 3, _ => 4,
    };

    public static string Describe(VerificationSource source) => source switch
    {
        VerificationSource.Client => "the client's answer",
        VerificationSource.Lead => "the lead's reply",
        VerificationSource.Call => "a call from the lead around the appointment",
        VerificationSource.None => "no evidence of a show (no-show)",
        _ => source.ToString(),
    };
}

/// <summary>Reads a milestone's evidence from the ledger (<see cref="MilestoneEntry"/>). Works in the caller's tenant.</summary>
public sealed class MilestoneEvidence(CallviaDbContext db)
{
    public async Task<MilestoneEvidenceSheet?> GetAsync(int number, CancellationToken ct)
    {
        var milestone = await db.Milestones.AsNoTracking().SingleOrDefaultAsync(m => m.Number == number, ct);
        if (milestone is null) return null;
        return (await ForAsync([milestone], ct))[0];
    }

    /// <summary>The evidence of each milestone given (batched: two queries for all of them), in the order given.</summary>
    public async Task<IReadOnlyList<MilestoneEvidenceSheet>> ForAsync(IReadOnlyList<Milestone> milestones, CancellationToken ct)
    {
        if (milestones.Count == 0) return [];
        var ids = milestones.Select(m => m.Id).ToList();
        var invoiceIds = milestones.Where(m => m.InvoiceId != null).Select(m => m.InvoiceId!.Value).ToList();
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == milestones[0].ClientId)
            .Select(c => new { c.MilestoneSize, c.TimeZone }).SingleAsync(ct);
        var invoices = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var rows = await (
            from e in db.MilestoneEntries.AsNoTracking()
            where e.MilestoneId != null && ids.Contains(e.MilestoneId.Value)
            join a in db.Appointments.AsNoTracking() on e.AppointmentId equals a.Id
            join l in db.Leads.AsNoTracking() on a.LeadId equals l.Id into leads
            from l in leads.DefaultIfEmpty()
            join c in db.Campaigns.AsNoTracking() on a.CampaignId equals c.Id into campaigns
            from c in campaigns.DefaultIfEmpty()
            join r in db.MilestoneEntries.AsNoTracking() on e.ReplacesEntryId equals r.Id into replaced
            from r in replaced.DefaultIfEmpty()
            orderby e.Position, e.EnteredAt, e.Id
            select new
            {
                e.MilestoneId, e.Position, e.AppointmentId, a.LeadId, a.ProviderBookingUid, l.FirstName, l.LastName, a.AttendeeName, Campaign = c.Name,
                a.StartsAt, e.Source, e.VerifiedAt, e.VerifiedBy, e.Note, e.EnteredAt, Replaces = (Guid?)r.AppointmentId, e.RemovedAt, e.RemovedReason,
            }).ToListAsync(ct);

        return milestones.Select(m =>
        {
            var entries = rows.Where(r => r.MilestoneId == m.Id).Select(r => new EvidenceEntry(
                r.Position, r.AppointmentId, r.LeadId, r.ProviderBookingUid, LeadName(r.FirstName, r.LastName, r.AttendeeName), r.Campaign, r.StartsAt,
                r.Source, r.VerifiedAt, r.VerifiedBy, r.Note, r.EnteredAt, r.Replaces, r.RemovedAt, r.RemovedReason)).ToList();
            return new MilestoneEvidenceSheet(m, m.InvoiceId is { } i ? invoices.GetValueOrDefault(i) : null, client.MilestoneSize, client.TimeZone,
                entries.Where(e => e.RemovedAt is null).ToList(), entries.Where(e => e.RemovedAt is not null).OrderBy(e => e.RemovedAt).ToList());
        }).ToList();
    }

    private static string LeadName(string? first, string? last, string? attendee) =>
        $"{first} {last}".Trim() is { Length: > 0 } name ? name : attendee ?? "(no name)";

    /// <summary>
    /// The evidence as CSV (RFC 4180, UTF-8): one row per appointment, counting ones by place, then the ones corrected
    /// out. Times in UTC (ISO 8601) so the file reads the same everywhere. A cell a spreadsheet would run as a formula
    /// (starting with = + - @) is prefixed with an apostrophe.
    /// </summary>
    public static string Csv(MilestoneEvidenceSheet sheet)
    {
        var csv = new StringBuilder();
        csv.Append("milestone,place,state,appointment_id,booking_uid,lead,campaign,starts_at_utc,rule,rule_text,verified_at_utc,verified_by,note,counted_at_utc,replaces_appointment_id,removed_at_utc,removed_reason\r\n");
        foreach (var e in sheet.Counting.Concat(sheet.Removed))
        {
            string[] cells =
            [
                sheet.Milestone.Number.ToString(CultureInfo.InvariantCulture), e.Position?.ToString(CultureInfo.InvariantCulture) ?? "",
                e.RemovedAt is null ? "counts" : "removed", e.AppointmentId.ToString(), e.BookingUid, e.Lead, e.Campaign ?? "", Utc(e.StartsAt),
                e.Rule.ToString(CultureInfo.InvariantCulture), e.RuleText, Utc(e.VerifiedAt), e.VerifiedBy, e.Note ?? "", Utc(e.EnteredAt),
                e.ReplacesAppointmentId?.ToString() ?? "", e.RemovedAt is { } at ? Utc(at) : "", e.RemovedReason ?? "",
            ];
            csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
