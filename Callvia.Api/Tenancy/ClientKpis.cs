using Callvia.Api.GraphQL;
using Callvia.Api.Identity;
using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using GraphQL;
using GraphQL.DataLoader;

namespace Callvia.Api.Tenancy;

/// <summary>
/// <c>Client.kpis</c>: every client of a level with the same range joins one batch, computed by
/// <see cref="KpiService.GetManyAsync"/> in one round trip. The agency reads across clients through
/// <see cref="AgencyAccess"/> (audited, once per batch); anyone else reads their own client in the tenant scope.
/// </summary>
public static class ClientKpis
{
    public static IDataLoaderResult<KpiSnapshot?> Load(IResolveFieldContext ctx, Guid clientId, KpiRange range)
    {
        var services = ctx.RequestServices!;
        var agency = Callers.IsAgency(ctx);
        var tenant = Callers.Tenant(ctx);
        return services.GetRequiredService<RequestLoaders>().Get<Guid, KpiSnapshot>($"clientKpis|{range.From:O}|{range.To:O}|{agency}",
            async (ids, ct) =>
            {
                if (agency)
                    return (await services.GetRequiredService<AgencyAccess>().RunAsync("graphql.client_kpis",
                        (_, sp) => sp.GetRequiredService<KpiService>().GetManyAsync(ids, range, ct),
                        detail: $"{ids.Count} client(s), {range.From:O}..{range.To:O}", ct: ct)).ToDictionary();
                // not the agency: only the caller's own client is reachable (and visible)
                var own = ids.Where(id => id == tenant.ClientId).ToList();
                if (own.Count == 0) throw new ExecutionError("No such client.") { Code = "NOT_FOUND" };
                return (await services.GetRequiredService<KpiService>().GetManyAsync(own, range, ct)).ToDictionary();
            }).Load(clientId);
    }
}
