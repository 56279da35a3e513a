using Callvia.Api.GraphQL;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Billing;

/// <summary><c>invoices</c>, <c>milestones</c>, <c>usageRecords</c>: the client's billing, read-only.</summary>
public static class BillingQueries
{
    public static void Add(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<BillingGraphType>>("billing")
            .Description("This local month's usage, the next usage invoice if the month closed now, and milestone progress.")
            .ResolveAsync(async ctx =>
            {
                if (ctx.RequestServices!.GetRequiredService<Core.Tenancy.TenantContext>().ClientId is null)
                    throw new ExecutionError("There is no client on this host.") { Code = "NOT_FOUND" };
                return await ctx.RequestServices!.GetRequiredService<BillingSummary>().GetAsync(ctx.CancellationToken);
            });

        query.Field<NonNullGraphType<ConnectionGraphType<InvoiceGraphType, Invoice>>>("invoices")
            .Description("The client's invoices (usage and milestones), newest first.")
            .Arguments(Paging.Arguments())
            .ResolveAsync(async ctx => await NewestFirst.PageAsync(ctx, "invoice", Db(ctx).Invoices.AsNoTracking(), i => i.CreatedAt, i => i.Id));

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MilestoneGraphType>>>>("milestones")
            .Description("The milestones reached, by number (one per 25 shown appointments by default: a short list).")
            .ResolveAsync(async ctx => await Db(ctx).Milestones.AsNoTracking().OrderBy(m => m.Number).ToListAsync(ctx.CancellationToken));

        query.Field<NonNullGraphType<ConnectionGraphType<UsageRecordGraphType, UsageRecord>>>("usageRecords")
            .Description("Billable call minutes, newest first; from/to bound when the call ended (occurredAt).")
            .Arguments(Paging.Arguments())
            .Argument<UtcDateTimeGraphType>("from").Argument<UtcDateTimeGraphType>("to")
            .ResolveAsync(async ctx =>
            {
                var usage = Db(ctx).UsageRecords.AsNoTracking();
                var from = ctx.GetArgument<DateTimeOffset?>("from")?.ToUniversalTime();
                var to = ctx.GetArgument<DateTimeOffset?>("to")?.ToUniversalTime();
                if (from >= to) throw new ExecutionError("'from' must be before 'to'.") { Code = "VALIDATION" };
                if (from is { } f) usage = usage.Where(u => u.OccurredAt >= f);
                if (to is { } t) usage = usage.Where(u => u.OccurredAt < t);
                return await NewestFirst.PageAsync(ctx, "usage", usage, u => u.OccurredAt, u => u.Id);
            });
    }

    /// <summary>The billing types for <c>node(id)</c>; null when the id is of another type.</summary>
    public static async Task<object?> NodeAsync(IResolveFieldContext ctx, string type, Guid id) => type switch
    {
        InvoiceGraphType.TypeName => await Db(ctx).Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ctx.CancellationToken),
        MilestoneGraphType.TypeName => await Db(ctx).Milestones.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ctx.CancellationToken),
        UsageRecordGraphType.TypeName => await Db(ctx).UsageRecords.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ctx.CancellationToken),
        _ => null,
    };

    private static CallviaDbContext Db(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<CallviaDbContext>();
}
