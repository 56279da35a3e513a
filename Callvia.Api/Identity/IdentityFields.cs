using Callvia.Web.Tenancy;
using System.Security.Claims;
using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Auditing;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Identity;

/// <summary><c>me</c>, <c>users</c>, and partner applications: <c>partnerApps</c>, <c>createPartnerApp</c>, <c>revokePartnerApp</c>.</summary>
public static class IdentityFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ViewerGraphType>>("me")
            .Description("Who is calling: a portal user or a partner application.")
            .Resolve(ctx => ViewerOf(ctx.User!, Callers.Tenant(ctx)));

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserGraphType>>>>("users")
            .Description("The host client's portal users, by email. Client admins and the agency only.")
            .ResolveAsync(async ctx => await UsersAsync(ctx, only: null));

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<PartnerAppGraphType>>>>("partnerApps")
            .Description("The host client's partner applications (on the admin host: the agency's), oldest first. Admins only.")
            .ResolveAsync(async ctx => await PartnerAppsAsync(ctx, only: null));
    }

    /// <summary>The host client's portal users (or only the one with this id: <c>node</c>). Client admins and the agency only.</summary>
    public static async Task<List<UserView>> UsersAsync(IResolveFieldContext ctx, Guid? only)
    {
        Callers.RequireAdmin(ctx, "list the users");
        return await ctx.RequestServices!.GetRequiredService<ClientUsers>().ListAsync(Callers.HostClient(ctx).Id, only, ctx.CancellationToken);
    }

    /// <summary>The host client's partner applications, on the admin host the agency's (or only the one with this id). Admins only.</summary>
    public static async Task<List<PartnerApplication>> PartnerAppsAsync(IResolveFieldContext ctx, Guid? only)
    {
        Callers.RequireAdmin(ctx, "list partner applications");
        if (Callers.Tenant(ctx).ClientId is not null)
            return await ctx.RequestServices!.GetRequiredService<ClientPartnerApps>().ListAsync(only, ctx.CancellationToken);
        return await Agency(ctx).RunAsync("graphql.partner_apps", (db, _) =>
            db.PartnerApplications.AsNoTracking().Where(a => a.OwnerClientId == null && (only == null || a.Id == only))
                .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(ctx.CancellationToken), ct: ctx.CancellationToken);
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<PartnerAppPayloadGraphType>>("createPartnerApp")
            .Description("A new client-credentials application of the host's client (on the admin host: of the agency). Its secret is in this answer only.")
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAdmin(ctx, "create partner applications");
                var name = ctx.GetArgument<string>("name");
                var tenant = Callers.Tenant(ctx);
                var (app, secret, issues) = tenant.Tenant is { } client && tenant.ClientId is not null
                    ? await CreateInTenantAsync(ctx, name, client)
                    : await Agency(ctx).RunAsync("agency.create_partner_app", (_, sp) =>
                        sp.GetRequiredService<PartnerApps>().CreateAsync(name, "agency", null, ctx.CancellationToken),
                        detail: $"name {Truncate(name)}", ct: ctx.CancellationToken);
                return new PartnerAppPayload(app, secret, Errors(issues));
            });

        mutation.Field<NonNullGraphType<PartnerAppPayloadGraphType>>("revokePartnerApp")
            .Description("Deletes an application of the host's client (on the admin host: of the agency); its tokens are refused from the next request.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAdmin(ctx, "revoke partner applications");
                var notFound = new PartnerAppPayload(null, null, [new UserError("id", "No such partner application.", "NOT_FOUND")]);
                if (GlobalId.Decode(ctx.GetArgument<string>("id"), PartnerAppGraphType.TypeName) is not { } id) return notFound;
                var tenant = Callers.Tenant(ctx);
                PartnerApplication? revoked;
                if (tenant.ClientId is { } clientId)
                    revoked = await ctx.RequestServices!.GetRequiredService<ClientPartnerApps>().RevokeAsync(id, clientId, ctx.CancellationToken);
                else
                {
                    revoked = await Agency(ctx).RunAsync("agency.revoke_partner_app", async (db, sp) =>
                        await db.PartnerApplications.AnyAsync(a => a.Id == id && a.OwnerClientId == null, ctx.CancellationToken)
                            ? await sp.GetRequiredService<PartnerApps>().RevokeAsync(id, ctx.CancellationToken) : null,
                        detail: $"id {id}", ct: ctx.CancellationToken);
                }
                return revoked is null ? notFound : new PartnerAppPayload(revoked, null, []);
            });
    }

    private static Task<(PartnerApplication?, string?, List<Core.Campaigns.FieldIssue>)> CreateInTenantAsync(
        IResolveFieldContext ctx, string name, TenantInfo client) =>
        ctx.RequestServices!.GetRequiredService<ClientPartnerApps>().CreateAsync(name, client, ctx.CancellationToken);

    public static Viewer ViewerOf(ClaimsPrincipal user, TenantContext tenant)
    {
        var roles = user.Claims.Where(c => c.Type is ClaimTypes.Role or "role").Select(c => c.Value).Distinct().Order().ToList();
        Guid? clientId = Guid.TryParse(user.FindFirstValue(CallviaClaims.ClientId), out var cid) ? cid : null;
        var agency = SameTenantHandler.IsAgencyPrincipal(user);
        var acting = agency ? tenant.ClientId : null;
        if (Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
            return new Viewer("USER", GlobalId.Encode(UserGraphType.TypeName, userId), user.FindFirstValue(ClaimTypes.Email),
                user.FindFirstValue("display_name") ?? user.Identity?.Name, null, roles, clientId, agency, acting);
        var app = user.FindFirstValue("sub") ?? "";
        return new Viewer("PARTNER_APP", app, null, user.FindFirstValue("name") ?? app, app, roles, clientId, agency, acting);
    }

    private static List<UserError> Errors(List<Core.Campaigns.FieldIssue> issues) => issues.Select(i => new UserError(i.Field, i.Message, i.Code)).ToList();
    private static string Truncate(string s) => s.Length > 100 ? s[..100] : s;
    private static CallviaDbContext Db(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<CallviaDbContext>();
    private static AgencyAccess Agency(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<AgencyAccess>();
    private static TimeProvider Clock(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<TimeProvider>();
}
