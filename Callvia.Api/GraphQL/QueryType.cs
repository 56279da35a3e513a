using Callvia.Api.Campaigns;
using Callvia.Api.Leads;
using Callvia.Core.Leads.Import;
using Callvia.Api.Tenancy;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.GraphQL;

/// <summary>
/// The root query. Every resolver reads through the request's <see cref="CallviaDbContext"/>, which
/// only ever sees the host tenant's rows: another client's id resolves to null, like an unknown one.
/// </summary>
public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";

        Field<NonNullGraphType<ClientGraphType>>("client")
            .Description("The client (tenant) of the host.")
            .ResolveAsync(async ctx =>
            {
                var tenant = ctx.RequestServices!.GetRequiredService<TenantContext>();
                if (tenant.ClientId is not { } id)
                    throw new ExecutionError("There is no client on this host.") { Code = "NOT_FOUND" };
                return await Db(ctx).Clients.AsNoTracking().SingleAsync(c => c.Id == id, ctx.CancellationToken);
            });

        CampaignQueries.Add(this);

        Field<CampaignGraphType>("campaign")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => GlobalId.Decode(ctx.GetArgument<string>("id"), CampaignGraphType.TypeName) is { } id
                ? await Db(ctx).Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ctx.CancellationToken)
                : null);

        Field<LeadImportGraphType>("leadImport")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Description("An import by its id, or by the UUID REST answers as importId.")
            .ResolveAsync(async ctx => LeadImportGraphType.ParseId(ctx.GetArgument<string>("id")) is { } id
                ? await ctx.RequestServices!.GetRequiredService<LeadImports>().ViewAsync(id, ctx.CancellationToken)
                : null);

        Field<NonNullGraphType<ConnectionGraphType<LeadGraphType, Core.Leads.Lead>>>("leads")
            .Description("The client's leads, newest first unless ordered otherwise; filters combine with AND.")
            .Arguments(Paging.Arguments())
            .Argument<LeadFilterInputType>("filter")
            .Argument<LeadOrderInputType>("orderBy")
            .ResolveAsync(async ctx => await LeadQueries.PageAsync(ctx));

        Field<LeadGraphType>("lead")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => GlobalId.Decode(ctx.GetArgument<string>("id"), LeadGraphType.TypeName) is { } id
                ? await Db(ctx).Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ctx.CancellationToken)
                : null);

        Messaging.SuppressionFields.AddQuery(this);
        Messaging.MessageFields.AddQuery(this);
        Messaging.MessageTemplateFields.AddQuery(this);
        Calls.CallQueries.Add(this);
        Billing.BillingQueries.Add(this);
        AgencyQueries.Add(this);
        Webhooks.WebhookEventFields.AddQueries(this);
        Identity.IdentityFields.AddQueries(this);

        Field<NonNullGraphType<Kpis.KpisGraphType>>("kpis")
            .Description("The dashboard's KPIs for [from, to) (open ends allowed), optionally one campaign.")
            .Argument<UtcDateTimeGraphType>("from")
            .Argument<UtcDateTimeGraphType>("to")
            .Argument<IdGraphType>("campaignId")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<Core.Kpis.KpiService>()
                .GetAsync(Kpis.KpiArguments.Range(ctx), ctx.CancellationToken));

        Field<NodeInterface>("node")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                if (!GlobalId.TryDecode(ctx.GetArgument<string>("id"), out var type, out var id)) return null;
                var db = Db(ctx);
                return type switch
                {
                    CampaignGraphType.TypeName => await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ctx.CancellationToken),
                    ClientGraphType.TypeName => await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ctx.CancellationToken),
                    Messaging.SuppressionGraphType.TypeName => await db.Suppressions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ctx.CancellationToken),
                    LeadGraphType.TypeName => await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ctx.CancellationToken),
                    Calls.CallGraphType.TypeName => await db.CallLogs.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ctx.CancellationToken),
                    Appointments.AppointmentGraphType.TypeName => await db.Appointments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ctx.CancellationToken),
                    Billing.InvoiceGraphType.TypeName or Billing.MilestoneGraphType.TypeName or Billing.UsageRecordGraphType.TypeName => await Billing.BillingQueries.NodeAsync(ctx, type, id),
                    Messaging.MessageGraphType.TypeName => await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ctx.CancellationToken),
                    Identity.UserGraphType.TypeName => (await Identity.IdentityFields.UsersAsync(ctx, id)).SingleOrDefault(),
                    Identity.PartnerAppGraphType.TypeName => (await Identity.IdentityFields.PartnerAppsAsync(ctx, id)).SingleOrDefault(),
                    LeadImportGraphType.TypeName => await ctx.RequestServices!.GetRequiredService<LeadImports>().ViewAsync(id, ctx.CancellationToken),
                    _ => (object?)null,
                };
            });
    }

    private static CallviaDbContext Db(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<CallviaDbContext>();
}
