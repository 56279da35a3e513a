using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Leads.Import;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Callvia.Core.Leads;

/// <summary>
/// One lead to add or change. The lead is found by <see cref="Id"/> when given, else by its campaign and phone
/// number (E.164, the unique key). On a change, null leaves a field as it is and "" clears it. Custom fields (the call
/// agent's variables, as an import's extra columns) are merged into the lead's by name, case-insensitively: a value
/// replaces, "" removes, fields not named stay.
/// </summary>
public sealed record LeadInput(
    Guid? Id, Guid? CampaignId, string? Phone, string? FirstName, string? LastName, string? Email, string? TimeZone,
    IReadOnlyList<KeyValuePair<string, string>>? CustomFields = null, DateTimeOffset? ConsentAt = null, string? ConsentSource = null);

public sealed record LeadUpsert(Lead? Lead, bool Created, List<FieldIssue> Issues);

/// <summary>
/// Adds a lead to a campaign or changes one, by the lead import's rules (<see cref="LeadRowRules"/>: phone read
/// with libphonenumber in the client's region, email and time zone checked, lengths bounded, time zone taken from
/// the number when none is given) plus what a single write needs: a number on the do-not-contact list is refused,
/// an archived campaign takes no leads and its leads are frozen, a lead stays in its campaign, and a changed number
/// may not collide with another lead of the campaign. All problems are reported together and nothing is written.
/// The lead's status is not set here: it moves with calls and bookings. Campaign statistics follow by trigger.
/// </summary>
public sealed class LeadEditor(CallviaDbContext db, KpiNotifier kpis, TimeProvider clock)
{
    public async Task<LeadUpsert> UpsertAsync(LeadInput input, CancellationToken ct)
    {
        try
        {
            return await TryUpsertAsync(input, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // the same number was added to the campaign meanwhile (another request, an import): it is an update now
            db.ChangeTracker.Clear();
            return await TryUpsertAsync(input, ct);
        }
    }

    private async Task<LeadUpsert> TryUpsertAsync(LeadInput input, CancellationToken ct)
    {
        var issues = new List<FieldIssue>();
        var region = await db.ClientRegionAsync(ct);

        var firstName = Text(input.FirstName);
        var lastName = Text(input.LastName);
        if (LeadRowRules.NameProblem(firstName) is { } p1) issues.Add(Issue("firstName", p1));
        if (LeadRowRules.NameProblem(lastName) is { } p2) issues.Add(Issue("lastName", p2));
        var email = Text(input.Email)?.ToLowerInvariant();
        if (email is { Length: > 0 } && !LeadRowRules.IsEmail(email)) issues.Add(Issue("email", LeadRowRules.EmailProblem));
        var zone = Text(input.TimeZone);
        if (zone is { Length: > 0 })
        {
            zone = LeadRowRules.ToIanaZone(zone);
            if (zone is null) issues.Add(Issue("timeZone", LeadRowRules.TimeZoneProblem));
        }
        var custom = CustomFields(input.CustomFields, issues);
        var now = clock.GetUtcNow();
        if (input.ConsentAt is { } consentAt
            && LeadRowRules.ConsentAtProblem(consentAt.ToUniversalTime(), now) is { } consentProblem)
            issues.Add(Issue("consentAt", consentProblem));
        var consentSource = Text(input.ConsentSource);
        var phoneRaw = Text(input.Phone);
        PhoneNumbers.Normalized? phone = null;
        if (phoneRaw is { Length: > 0 })
        {
            if (LeadRowRules.PhoneLengthProblem(phoneRaw) is { } tooLong) issues.Add(Issue("phone", tooLong));
            else if ((phone = PhoneNumbers.Normalize(phoneRaw, region)) is null) issues.Add(Issue("phone", LeadRowRules.PhoneProblem(region)));
        }
        else if (input.Id is null || phoneRaw is not null)
        {
            issues.Add(new FieldIssue("phone", "A lead needs a phone number."));
        }

        Lead? lead = null;
        Campaign? campaign = null;
        if (input.Id is { } id)
        {
            lead = await db.Leads.SingleOrDefaultAsync(l => l.Id == id, ct);
            if (lead is null) return Refused(new FieldIssue("id", "No such lead.", "NOT_FOUND"));
            if (input.CampaignId is { } other && other != lead.CampaignId)
                issues.Add(new FieldIssue("campaignId", "A lead stays in its campaign; add it to the other campaign as a new lead."));
            campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == lead.CampaignId, ct);
        }
        else if (input.CampaignId is { } campaignId)
        {
            campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
            if (campaign is null) return Refused(new FieldIssue("campaignId", "No such campaign.", "NOT_FOUND"));
        }
        else
        {
            issues.Add(new FieldIssue("campaignId", "Give the campaign of a new lead, or the id of the lead to change."));
        }
        if (campaign?.Status == CampaignStatus.Archived)
            issues.Add(new FieldIssue("campaignId", $"Campaign '{campaign.Name}' is archived: its leads can no longer be added or changed."));
        if (issues.Count > 0 || campaign is null) return Refused([.. issues]);

        if (phone is { } number)
        {
            if (await db.Suppressions.AnyAsync(s => s.PhoneE164 == number.E164, ct))
                return Refused(new FieldIssue("phone", "The number is on the do-not-contact list."));
            var holder = await db.Leads.SingleOrDefaultAsync(l => l.CampaignId == campaign.Id && l.PhoneE164 == number.E164, ct);
            if (lead is null) lead = holder; // by campaign and number: the existing lead, if any, is the one to change
            else if (holder is not null && holder.Id != lead.Id)
                return Refused(new FieldIssue("phone", "Another lead of this campaign has this number."));
        }

        var created = lead is null;
        if (lead is null)
        {
            lead = new Lead { CampaignId = campaign.Id, PhoneE164 = phone!.Value.E164, PhoneRaw = phoneRaw! };
            db.Leads.Add(lead);
        }
        else if (phone is { } changed && changed.E164 != lead.PhoneE164)
        {
            (lead.PhoneE164, lead.PhoneRaw) = (changed.E164, phoneRaw!);
            if (zone is null && input.TimeZone is null && lead.TimeZone is null) lead.TimeZone = changed.TimeZone;
        }
        else if (phone is not null)
        {
            lead.PhoneRaw = phoneRaw!;
        }

        if (custom is not null)
        {
            var merged = new Dictionary<string, string>(lead.CustomFields, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in custom)
                if (value.Length == 0) merged.Remove(name); else { merged.Remove(name); merged[name] = value; }
            if (merged.Count > ImportColumns.MaxCustomFields)
            {
                db.ChangeTracker.Clear();
                return Refused(new FieldIssue("customFields", $"A lead has at most {ImportColumns.MaxCustomFields} custom fields; this would make {merged.Count}."));
            }
            lead.CustomFields = new Dictionary<string, string>(merged);
        }
        if (input.FirstName is not null) lead.FirstName = NullIfEmpty(firstName);
        if (input.LastName is not null) lead.LastName = NullIfEmpty(lastName);
        if (input.Email is not null) lead.Email = NullIfEmpty(email);
        if (input.ConsentAt is { } given) lead.ConsentAt = given.ToUniversalTime();
        if (consentSource is not null) lead.ConsentSource = NullIfEmpty(consentSource);
        if (LeadRowRules.ConsentSourceProblem(lead.ConsentSource, lead.ConsentAt is not null) is { } sourceProblem)
        {
            db.ChangeTracker.Clear();
            return Refused(Issue("consentSource", sourceProblem));
        }
        // consent now recorded: a lead the dialer set aside for the lack of it is due again
        if (input.ConsentAt is not null) Dialer.DialerRules.WakeForConsent(lead, now);
        // a zone given wins; "" (or none on a new lead) means: the number's
        if (zone is { Length: > 0 }) lead.TimeZone = zone;
        else if (created || input.TimeZone is not null) lead.TimeZone = PhoneNumbers.Normalize(lead.PhoneE164, region)?.TimeZone;

        await db.SaveChangesAsync(ct);
        // a new lead moves the KPIs (leads, leads by status); a change of name or address does not
        if (created) await kpis.PublishAsync(lead.ClientId, "leads:upsert");
        return new LeadUpsert(lead, created, []);
    }

    private static LeadUpsert Refused(params FieldIssue[] issues) => new(null, false, [.. issues]);

    /// <summary>The custom fields to merge (trimmed names), or null when none were given; their problems go to <paramref name="issues"/>.</summary>
    private static List<KeyValuePair<string, string>>? CustomFields(IReadOnlyList<KeyValuePair<string, string>>? given, List<FieldIssue> issues)
    {
        if (given is null) return null;
        var fields = new List<KeyValuePair<string, string>>(given.Count);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (raw, value) in given)
        {
            var name = raw.Trim();
            if ((ImportColumns.CustomNameProblem(name) ?? LeadRowRules.CustomValueProblem(name, value)) is { } problem)
                issues.Add(Issue("customFields", problem));
            else if (!names.Add(name))
                issues.Add(new FieldIssue("customFields", $"The custom field '{name}' is given twice."));
            else
                fields.Add(new(name, value));
        }
        if (names.Count > ImportColumns.MaxCustomFields)
            issues.Add(new FieldIssue("customFields", $"A lead has at most {ImportColumns.MaxCustomFields} custom fields."));
        return fields;
    }

    /// <summary>The import's wording ("email is not a valid address"), as a sentence.</summary>
    private static FieldIssue Issue(string field, string problem) => new(field, char.ToUpperInvariant(problem[0]) + problem[1..] + ".");

    private static string? Text(string? value) => value?.Trim();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
