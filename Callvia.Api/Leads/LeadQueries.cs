using Callvia.Api.GraphQL;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using GraphQL;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Leads;

/// <summary>The <c>leads</c> connection: filters, keyset pages in the chosen order, total on demand.</summary>
public static class LeadQueries
{
    public static async Task<Connection<Lead>> PageAsync(IResolveFieldContext ctx)
    {
        var db = ctx.RequestServices!.GetRequiredService<CallviaDbContext>();
        var filter = ctx.GetArgument<LeadFilter?>("filter");
        var order = ctx.GetArgument<LeadOrder?>("orderBy") ?? new LeadOrder(LeadOrderField.CreatedAt, SortDirection.Desc);
        var first = Paging.First(ctx);
        var kind = $"lead.{order.Field}.{order.Direction}".ToLowerInvariant();
        var after = Paging.After(ctx, kind);

        var filtered = Filter(db.Leads.AsNoTracking(), filter);
        var query = filtered;
        if (after is { } a)
        {
            var t = Paging.Time(a.Key);
            query = (order.Field, order.Direction) switch
            {
                (LeadOrderField.CreatedAt, SortDirection.Desc) => query.Where(l => l.CreatedAt < t || (l.CreatedAt == t && l.Id.CompareTo(a.Id) < 0)),
                (LeadOrderField.CreatedAt, _) => query.Where(l => l.CreatedAt > t || (l.CreatedAt == t && l.Id.CompareTo(a.Id) > 0)),
                (_, SortDirection.Desc) => query.Where(l => l.UpdatedAt < t || (l.UpdatedAt == t && l.Id.CompareTo(a.Id) < 0)),
                _ => query.Where(l => l.UpdatedAt > t || (l.UpdatedAt == t && l.Id.CompareTo(a.Id) > 0)),
            };
        }
        query = (order.Field, order.Direction) switch
        {
            (LeadOrderField.CreatedAt, SortDirection.Desc) => query.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id),
            (LeadOrderField.CreatedAt, _) => query.OrderBy(l => l.CreatedAt).ThenBy(l => l.Id),
            (_, SortDirection.Desc) => query.OrderByDescending(l => l.UpdatedAt).ThenByDescending(l => l.Id),
            _ => query.OrderBy(l => l.UpdatedAt).ThenBy(l => l.Id),
        };
        var rows = await query.Take(first + 1).ToListAsync(ctx.CancellationToken);
        return Paging.Page(rows, first, after is not null,
            l => Paging.Cursor(kind, Paging.Key(order.Field == LeadOrderField.CreatedAt ? l.CreatedAt : l.UpdatedAt), l.Id),
            () => CountAsync(ctx, filter, filtered));
    }

    /// <summary>
    /// The total: without a search, the leads created in a range with some statuses, in one campaign or all, are what the
    /// KPI rollups count by day (<see cref="Core.Kpis.KpiService.CountLeadsAsync"/>), so a total over a million leads reads
    /// days instead of rows; a search (or the agency host, no client) counts the matching rows.
    /// </summary>
    private static async Task<int> CountAsync(IResolveFieldContext ctx, LeadFilter? filter, IQueryable<Lead> filtered)
    {
        var tenant = ctx.RequestServices!.GetRequiredService<Core.Tenancy.TenantContext>();
        if (tenant.ClientId is null || filter?.Search?.Trim() is { Length: > 0 })
            return await filtered.CountAsync(ctx.CancellationToken);
        var campaignId = CampaignOf(filter);
        // on the request's own connection (the DbContext's, tenant-scoped when opened), like the page it counts
        var db = ctx.RequestServices!.GetRequiredService<CallviaDbContext>();
        await db.Database.OpenConnectionAsync(ctx.CancellationToken);
        try
        {
            return await ctx.RequestServices!.GetRequiredService<Core.Kpis.KpiService>().CountLeadsAsync(
                new Core.Kpis.KpiRange(filter?.CreatedFrom?.ToUniversalTime(), filter?.CreatedTo?.ToUniversalTime(), campaignId),
                filter?.Status, (Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), ctx.CancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static Guid? CampaignOf(LeadFilter? filter) => filter?.CampaignId is { } raw
        ? GlobalId.Decode(raw, Campaigns.CampaignGraphType.TypeName)
          ?? throw new ExecutionError("'filter.campaignId' is not a campaign id.") { Code = "VALIDATION" }
        : null;

    private static IQueryable<Lead> Filter(IQueryable<Lead> leads, LeadFilter? filter)
    {
        if (filter is null) return leads;
        if (filter.CreatedFrom is { } start && filter.CreatedTo is { } end && start >= end)
            throw new ExecutionError("'filter.createdFrom' must be before 'filter.createdTo'.") { Code = "VALIDATION" };
        if (filter.Status is { Count: > 0 } statuses) leads = leads.Where(l => statuses.Contains(l.Status));
        if (CampaignOf(filter) is { } campaignId) leads = leads.Where(l => l.CampaignId == campaignId);
        if (filter.CreatedFrom is { } from) { var f = from.ToUniversalTime(); leads = leads.Where(l => l.CreatedAt >= f); }
        if (filter.CreatedTo is { } to) { var t = to.ToUniversalTime(); leads = leads.Where(l => l.CreatedAt < t); }
        if (filter.Search?.Trim() is { Length: > 0 } search)
        {
            if (search.Length > LeadSearch.MaxLength)
                throw new ExecutionError($"'filter.search' is over {LeadSearch.MaxLength} characters.") { Code = "VALIDATION" };
            leads = LeadSearch.Apply(leads, search);
        }
        return leads;
    }
}
