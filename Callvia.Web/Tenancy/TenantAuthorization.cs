using Callvia.Core.Tenancy;
using System.Security.Claims;
using Callvia.Core.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Callvia.Web.Tenancy;

/// <summary>
/// The caller belongs to the host's tenant: a user or partner token of client A is refused on B's host
/// and on the agency host. Agency admins pass everywhere; on a client's host they act inside that client,
/// explicitly where the service requires it (<see cref="AgencyActAs"/>), and audited.
/// Part of every service's fallback policy, so no endpoint can forget it.
/// </summary>
public sealed class SameTenantRequirement : IAuthorizationRequirement;

public sealed class SameTenantHandler(TenantContext tenant, IHttpContextAccessor http, IOptions<ActAsOptions> actAs)
    : AuthorizationHandler<SameTenantRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SameTenantRequirement requirement)
    {
        if (!IsAllowed(context.User, tenant))
            return Task.CompletedTask;
        if (IsAgencyPrincipal(context.User) && tenant.Kind == TenantScopeKind.Tenant && tenant.Tenant is { } client)
        {
            if (AgencyActAs.Refusal(http.HttpContext, client, actAs.Value.RequireHeader) is { } refusal)
            {
                context.Fail(new AuthorizationFailureReason(this, refusal));
                return Task.CompletedTask;
            }
            if (http.HttpContext is { } current) AgencyActAs.Mark(current, client.Id);
        }
        else if (actAs.Value.RequireHeader && AgencyActAs.RefusalForClientCredential(http.HttpContext) is { } misuse)
        {
            // a client's own credential (partner token, client user) naming a client to act in: refused, not ignored
            context.Fail(new AuthorizationFailureReason(this, misuse));
            return Task.CompletedTask;
        }
        context.Succeed(requirement);
        return Task.CompletedTask;
    }

    public static bool IsAllowed(ClaimsPrincipal user, TenantContext tenant)
    {
        if (user.Identity?.IsAuthenticated != true) return false;
        if (IsAgencyPrincipal(user)) return true;
        return tenant.ClientId is { } id
               && Guid.TryParse(user.FindFirstValue(CallviaClaims.ClientId), out var claimed)
               && claimed == id;
    }

    /// <summary>An agency admin (person) or an agency-bound partner token: no client claim, agency role.</summary>
    public static bool IsAgencyPrincipal(ClaimsPrincipal user) =>
        user.FindFirstValue(CallviaClaims.ClientId) is null
        && (user.IsInRole(Roles.AgencyAdmin) || user.HasClaim(c => c.Type is "role" && c.Value == Roles.AgencyAdmin));
}

public static class CallviaPolicies
{
    /// <summary>Agency admins only: the agency console, the Hangfire dashboard.</summary>
    public const string Agency = "agency";

    public static AuthorizationBuilder AddCallviaPolicies(this AuthorizationBuilder auth, params string[] schemes)
    {
        var fallback = new AuthorizationPolicyBuilder(schemes).RequireAuthenticatedUser()
            .AddRequirements(new SameTenantRequirement()).Build();
        return auth
            .SetFallbackPolicy(fallback)
            .SetDefaultPolicy(fallback)
            .AddPolicy(Agency, p =>
            {
                if (schemes.Length > 0) p.AddAuthenticationSchemes(schemes);
                p.RequireAuthenticatedUser().RequireAssertion(ctx => SameTenantHandler.IsAgencyPrincipal(ctx.User));
            });
    }
}
