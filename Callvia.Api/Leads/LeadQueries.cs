using Callvia.Api.GraphQL;
using Callvia.Core.Leads;
using GraphQL;

namespace Callvia.Api.Leads;

/// <summary>The <c>leads</c> connection, on Core's <see cref="LeadList"/> (the portal's leads page reads the same).</summary>
public static class LeadQueries
{
    public static async Task<Connection<Lead>> PageAsync(IResolveFieldContext ctx)
    {
        var list = ctx.RequestServices!.GetRequiredService<LeadList>();
        var filter = ToFilter(ctx.GetArgument<LeadFilter?>("filter"));
        var order = ctx.GetArgument<LeadOrder?>("orderBy") ?? new LeadOrder(LeadOrderField.CreatedAt, SortDirection.Desc);
        var first = Paging.First(ctx);
        var kind = $"lead.{order.Field}.{order.Direction}".ToLowerInvariant();
        var after = Paging.After(ctx, kind) is { } a ? (Paging.Time(a.Key), a.Id) : ((DateTimeOffset, Guid)?)null;
        var rows = await list.PageAsync(filter, order.Field, order.Direction, after, first + 1, ctx.CancellationToken);
        return Paging.Page(rows, first, after is not null,
            l => Paging.Cursor(kind, Paging.Key(LeadList.SortKey(l, order.Field)), l.Id),
            () => list.CountAsync(filter, ctx.CancellationToken));
    }

    private static LeadListFilter ToFilter(LeadFilter? filter)
    {
        if (filter is null) return new LeadListFilter();
        var campaignId = filter.CampaignId is { } raw
            ? GlobalId.Decode(raw, Campaigns.CampaignGraphType.TypeName)
              ?? throw new ExecutionError("'filter.campaignId' is not a campaign id.") { Code = "VALIDATION" }
            : (Guid?)null;
        var result = new LeadListFilter(filter.Status, campaignId, filter.CreatedFrom, filter.CreatedTo, filter.Search);
        return result.Problem() is { } problem
            ? throw new ExecutionError($"'filter.{problem.Field}' {problem.Message}.") { Code = "VALIDATION" }
            : result;
    }
}
