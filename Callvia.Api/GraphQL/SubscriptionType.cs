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
    }
}
