using Callvia.Core.Data;
using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Leads;

public enum LeadOrderField { CreatedAt, UpdatedAt }

public enum SortDirection { Asc, Desc }

/// <summary>What the leads list is narrowed to; every part optional. <see cref="CreatedTo"/> is exclusive.</summary>
public sealed record LeadListFilter(
    IReadOnlyCollection<LeadStatus>? Statuses = null, Guid? CampaignId = null,
    DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, string? Search = null)
{
    /// <summary>The field that cannot be used as given, and why; null when the filter is usable.</summary>
    public (string Field, string Message)? Problem() =>
        CreatedFrom is { } start && CreatedTo is { } end && start >= end ? ("createdFrom", "must be before createdTo")
        : Search?.Trim() is { Length: > LeadSearch.MaxLength } ? ("search", $"is over {LeadSearch.MaxLength} characters")
        : Search is not null && Validation.TextInput.Problem(Search.AsSpan()) is { } unstorable ? ("search", unstorable)
        : null;
}

/// <summary>
/// The leads list, one rule for the API's <c>leads</c> connection and the portal's leads page: the filter, keyset pages
/// in the chosen order (the sort value and the id of the last row seen, so a page never repeats or skips a row that
/// existed before, whatever is inserted meanwhile), and the total. Works in the caller's tenant.
/// </summary>
public sealed class LeadList(CallviaDbContext db, TenantContext tenant, KpiService kpis)
{
    public static IQueryable<Lead> Filter(IQueryable<Lead> leads, LeadListFilter filter)
    {
        if (filter.Problem() is { } problem)
            throw new ArgumentException($"The filter's {problem.Field} {problem.Message}.", nameof(filter));
        if (filter.Statuses is { Count: > 0 } statuses) leads = leads.Where(l => statuses.Contains(l.Status));
        if (filter.CampaignId is { } campaignId) leads = leads.Where(l => l.CampaignId == campaignId);
        if (filter.CreatedFrom is { } from) { var f = from.ToUniversalTime(); leads = leads.Where(l => l.CreatedAt >= f); }
        if (filter.CreatedTo is { } to) { var t = to.ToUniversalTime(); leads = leads.Where(l => l.CreatedAt < t); }
        if (filter.Search?.Trim() is { Length: > 0 } search) leads = LeadSearch.Apply(leads, search);
        return leads;
    }

    /// <summary>The sort value a cursor carries for <paramref name="lead"/>.</summary>
    public static DateTimeOffset SortKey(Lead lead, LeadOrderField field) => field == LeadOrderField.CreatedAt ? lead.CreatedAt : lead.UpdatedAt;

    /// <summary>Up to <paramref name="take"/> leads after the row (<paramref name="after"/>: its sort value and id), in order.</summary>
    public Task<List<Lead>> PageAsync(LeadListFilter filter, LeadOrderField field, SortDirection direction,
        (DateTimeOffset Key, Guid Id)? after, int take, CancellationToken ct)
    {
        var query = Filter(db.Leads.AsNoTracking(), filter);
        if (after is { } a)
        {
            var (t, id) = (a.Key.ToUniversalTime(), a.Id);
            query = (field, direction) switch
            {
                (LeadOrderField.CreatedAt, SortDirection.Desc) => query.Where(l => l.CreatedAt < t || (l.CreatedAt == t && l.Id.CompareTo(id) < 0)),
                (LeadOrderField.CreatedAt, _) => query.Where(l => l.CreatedAt > t || (l.CreatedAt == t && l.Id.CompareTo(id) > 0)),
                (_, SortDirection.Desc) => query.Where(l => l.UpdatedAt < t || (l.UpdatedAt == t && l.Id.CompareTo(id) < 0)),
                _ => query.Where(l => l.UpdatedAt > t || (l.UpdatedAt == t && l.Id.CompareTo(id) > 0)),
            };
        }
        query = (field, direction) switch
        {
            (LeadOrderField.CreatedAt, SortDirection.Desc) => query.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id),
            (LeadOrderField.CreatedAt, _) => query.OrderBy(l => l.CreatedAt).ThenBy(l => l.Id),
            (_, SortDirection.Desc) => query.OrderByDescending(l => l.UpdatedAt).ThenByDescending(l => l.Id),
            _ => query.OrderBy(l => l.UpdatedAt).ThenBy(l => l.Id),
        };
        return query.Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// The total: without a search, the leads created in a range with some statuses, in one campaign or all, are what the
    /// KPI rollups count by day (<see cref="KpiService.CountLeadsAsync"/>), so a total over a million leads reads days
    /// instead of rows; a search (or the agency host, no client) counts the matching rows.
    /// </summary>
    public async Task<int> CountAsync(LeadListFilter filter, CancellationToken ct)
    {
        if (tenant.ClientId is null || filter.Search?.Trim() is { Length: > 0 })
            return await Filter(db.Leads.AsNoTracking(), filter).CountAsync(ct);
        // on the request's own connection (the DbContext's, tenant-scoped when opened), like the page it counts
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await kpis.CountLeadsAsync(
                new KpiRange(filter.CreatedFrom?.ToUniversalTime(), filter.CreatedTo?.ToUniversalTime(), filter.CampaignId),
                filter.Statuses, (Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
