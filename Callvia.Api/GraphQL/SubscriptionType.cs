using Callvia.Api.Kpis;
using Callvia.Core.Tenancy;
using GraphQL;
using GraphQL.Types;

namespace Callvia.Api.GraphQL;

/// <summary>The root subscription, served over WebSocket only (<c>graphql-transport-ws</c> at <c>/graphql</c>).</summary>
public sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType()
    {
        Name = "Subscription";

        Field<NonNullGraphType<KpisGraphType>>("kpisUpdated")
            .Description("The kpis query's snapshot at once, then again whenever one of the host client's KPIs moves.")
            .Argument<DateTimeGraphType>("from")
            .Argument<DateTimeGraphType>("to")
            .Argument<IdGraphType>("campaignId")
            .ResolveStream(ctx =>
            {
                var range = KpiArguments.Range(ctx);
                var tenant = ctx.RequestServices!.GetRequiredService<TenantContext>().Tenant
                             ?? throw new ExecutionError("There is no client on this host.") { Code = "NOT_FOUND" };
                return ctx.RequestServices!.GetRequiredService<KpiUpdates>().Watch(tenant, range);
            });

        Field<NonNullGraphType<Leads.LeadImportGraphType>>("leadImportProgress")
            .Description("The lead import at once, then whenever its progress or status moves; completes when the import completed or failed.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveStream(ctx =>
            {
                var tenant = ctx.RequestServices!.GetRequiredService<TenantContext>().Tenant
                             ?? throw new ExecutionError("There is no client on this host.") { Code = "NOT_FOUND" };
                var id = Leads.LeadImportGraphType.ParseId(ctx.GetArgument<string>("id"))
                         ?? throw new ExecutionError("'id' is not a lead import id.") { Code = "VALIDATION" };
                return ctx.RequestServices!.GetRequiredService<Leads.LeadImportProgress>().Watch(tenant, id);
            });
    }
}
