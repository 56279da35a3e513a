using Callvia.Web.Tenancy;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using GraphQL;

namespace Callvia.Api.Identity;

/// <summary>The GraphQL side of who may do what (<see cref="Administrators"/> is the rule).</summary>
public static class Callers
{
    public static bool IsAgency(IResolveFieldContext ctx) => ctx.User is { } user && SameTenantHandler.IsAgencyPrincipal(user);

    public static bool IsClientAdmin(IResolveFieldContext ctx) => ctx.User is { } user && Administrators.IsClientAdmin(user, Tenant(ctx));

    public static void RequireAdmin(IResolveFieldContext ctx, string what)
    {
        if (ctx.User is not { } user || !Administrators.CanAdminister(user, Tenant(ctx)))
            throw new ExecutionError($"Only the client's admins (or the agency) may {what}.") { Code = "FORBIDDEN" };
    }

    public static void RequireAgency(IResolveFieldContext ctx, string what)
    {
        if (!IsAgency(ctx))
            throw new ExecutionError($"Only agency admins may {what}.") { Code = "FORBIDDEN" };
    }

    /// <summary>The host's client, or NOT_FOUND on the agency host.</summary>
    public static TenantInfo HostClient(IResolveFieldContext ctx) =>
        Tenant(ctx).Tenant is { } tenant && Tenant(ctx).ClientId is not null ? tenant
            : throw new ExecutionError("There is no client on this host: use the client's host.") { Code = "NOT_FOUND" };

    public static TenantContext Tenant(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<TenantContext>();
}
