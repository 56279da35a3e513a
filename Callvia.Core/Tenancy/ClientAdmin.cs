using Callvia.Core.Campaigns;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Callvia.Core.Tenancy;

/// <summary>What the agency sets on a new client; null takes the default (see <see cref="Client"/>).</summary>
public sealed record ClientInput(
    string? Slug, string? Name, string? TimeZone, string? DefaultRegion,
    decimal? RatePerMinute, int? MilestoneSize, decimal? MilestoneAmount);

/// <summary>
/// The agency's client administration, in one place: what a valid client is (slug a DNS label, not reserved, unique;
/// an IANA time zone; a phone region; rate and milestone overrides within sane bounds) and suspending / re-activating
/// one. Every change goes through <see cref="AgencyAccess"/> (audited) and forgets the cached tenant at once, so a
/// suspension is refused on this instance from the next request (other instances within <see cref="TenantStore.Ttl"/>).
/// </summary>
public sealed class ClientAdmin(AgencyAccess agency, TenantStore tenants)
{
    public const decimal MaxRatePerMinute = 10m;
    public const int MaxMilestoneSize = 10_000;
    public const decimal MaxMilestoneAmount = 1_000_000m;

    public async Task<(Client? Client, List<FieldIssue> Issues)> CreateAsync(ClientInput input, CancellationToken ct)
    {
        var (client, issues) = Validate(input);
        if (client is null) return (null, issues);
        try
        {
            return await agency.RunAsync("agency.create_client", async (db, _) =>
            {
                if (await db.Clients.AnyAsync(c => c.Slug == client.Slug, ct))
                    return ((Client?)null, new List<FieldIssue> { new("slug", $"The slug '{client.Slug}' is taken.", "CONFLICT") });
                db.Clients.Add(client);
                await db.SaveChangesAsync(ct);
                return (client, new List<FieldIssue>());
            }, clientId: null, detail: $"slug {client.Slug}", ct: ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return (null, [new("slug", $"The slug '{client.Slug}' is taken.", "CONFLICT")]);
        }
    }

    public async Task<(Client? Client, List<FieldIssue> Issues)> SetStatusAsync(Guid id, ClientStatus status, CancellationToken ct)
    {
        var result = await agency.RunAsync("agency.set_client_status", async (db, _) =>
        {
            var client = await db.Clients.SingleOrDefaultAsync(c => c.Id == id, ct);
            if (client is null) return ((Client?)null, new List<FieldIssue> { new("id", "No such client.", "NOT_FOUND") });
            client.Status = status;
            await db.SaveChangesAsync(ct);
            return (client, new List<FieldIssue>());
        }, clientId: await ExistsAsync(id, ct) ? id : null, detail: $"status {status.ToString().ToLowerInvariant()}", ct: ct);
        if (result.Item1 is { } changed)
            tenants.Invalidate(new TenantInfo(changed.Id, changed.Slug, changed.Name, changed.Status, changed.TimeZone));
        return result;
    }

    // the audit row references the client (foreign key): only name it when it exists
    private async Task<bool> ExistsAsync(Guid id, CancellationToken ct) => await tenants.FindByIdAsync(id, ct) is not null;

    public static (Client? Client, List<FieldIssue> Issues) Validate(ClientInput input)
    {
        var issues = new List<FieldIssue>();
        var slug = input.Slug?.Trim().ToLowerInvariant() ?? "";
        if (!HostParser.IsValidSlug(slug) || slug.Length < 2)
            issues.Add(new("slug", "The slug must be a DNS label: 2 to 63 of a-z, 0-9 and inner hyphens."));
        else if (TenancyOptions.ReservedSlugs.Contains(slug))
            issues.Add(new("slug", $"'{slug}' is reserved for the platform."));
        var name = input.Name?.Trim() ?? "";
        if (name.Length is < 1 or > 200) issues.Add(new("name", "The name must have 1 to 200 characters."));
        var client = new Client { Slug = slug, Name = name };
        if (input.TimeZone is { } tz)
        {
            if (IsIanaTimeZone(tz.Trim())) client.TimeZone = tz.Trim();
            else issues.Add(new("timeZone", $"'{tz}' is not an IANA time zone (e.g. America/New_York)."));
        }
        if (input.DefaultRegion is { } region)
        {
            var r = region.Trim().ToUpperInvariant();
            if (Leads.PhoneNumbers.IsSupportedRegion(r)) client.DefaultRegion = r;
            else issues.Add(new("defaultRegion", $"'{region}' is not a supported ISO 3166 region (e.g. US, GB)."));
        }
        if (input.RatePerMinute is { } rate)
        {
            if (rate <= 0 || rate > MaxRatePerMinute || decimal.Round(rate, 4) != rate)
                issues.Add(new("ratePerMinute", $"Above 0 and at most {MaxRatePerMinute}, with at most 4 decimals."));
            else client.RatePerMinute = rate;
        }
        if (input.MilestoneSize is { } size)
        {
            if (size is < 1 or > MaxMilestoneSize) issues.Add(new("milestoneSize", $"Between 1 and {MaxMilestoneSize:N0} shown appointments."));
            else client.MilestoneSize = size;
        }
        if (input.MilestoneAmount is { } amount)
        {
            if (amount <= 0 || amount > MaxMilestoneAmount || decimal.Round(amount, 2) != amount)
                issues.Add(new("milestoneAmount", $"Above 0 and at most {MaxMilestoneAmount:N0}, in cents at most."));
            else client.MilestoneAmount = amount;
        }
        return issues.Count > 0 ? (null, issues) : (client, issues);
    }

    /// <summary>An IANA zone name (not a Windows id) that this machine, and so PostgreSQL's tz database, knows.</summary>
    public static bool IsIanaTimeZone(string id) =>
        id.Length is > 0 and <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;
}
