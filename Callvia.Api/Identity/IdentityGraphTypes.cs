using Callvia.Api.GraphQL;
using Callvia.Api.Tenancy;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Identity;

/// <summary>Who is calling: a portal user, or a partner application (token).</summary>
public sealed record Viewer(
    string Kind, string Id, string? Email, string? Name, string? ClientIdentifier,
    IReadOnlyList<string> Roles, Guid? ClientId, bool Agency, Guid? ActingInClientId);

public sealed class ViewerKindGraphType : EnumerationGraphType
{
    public ViewerKindGraphType()
    {
        Name = "ViewerKind";
        Add("USER", "USER", "A person signed in to the portal (session cookie).");
        Add("PARTNER_APP", "PARTNER_APP", "A partner application (client-credentials token).");
    }
}

public sealed class ViewerGraphType : ObjectGraphType<Viewer>
{
    public ViewerGraphType()
    {
        Name = "Viewer";
        Description = "The caller: a portal user or a partner application.";
        Field<NonNullGraphType<ViewerKindGraphType>>("kind").Resolve(c => c.Source.Kind);
        Field<NonNullGraphType<IdGraphType>>("id").Description("A User id, or the PartnerApp's OAuth client id.").Resolve(c => c.Source.Id);
        Field<StringGraphType>("email").Description("Users only.").Resolve(c => c.Source.Email);
        Field<StringGraphType>("name").Description("The user's display name, or the application's name.").Resolve(c => c.Source.Name);
        Field<StringGraphType>("clientId").Description("Partner applications only: the OAuth client_id.").Resolve(c => c.Source.ClientIdentifier);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles")
            .Description("client_user, client_admin, agency_admin; partner for a client's application.").Resolve(c => c.Source.Roles);
        Field<NonNullGraphType<BooleanGraphType>>("agency").Description("An agency admin or an agency-bound application.").Resolve(c => c.Source.Agency);
        Field<ClientGraphType>("client").Description("The client the caller belongs to; null for the agency.")
            .ResolveAsync(async c => c.Source.ClientId is { } id ? await Db(c).Clients.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, c.CancellationToken) : null);
        Field<ClientGraphType>("actingAs").Description("For the agency on a client's host: the client it acts inside (X-Callvia-Act-As).")
            .ResolveAsync(async c => c.Source.ActingInClientId is { } id ? await Db(c).Clients.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, c.CancellationToken) : null);
    }

    private static Core.Data.CallviaDbContext Db(global::GraphQL.IResolveFieldContext c) => c.RequestServices!.GetRequiredService<Core.Data.CallviaDbContext>();
}

public sealed class UserGraphType : ObjectGraphType<UserView>
{
    public const string TypeName = "User";

    public UserGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<NonNullGraphType<StringGraphType>>("email").Resolve(c => c.Source.Email);
        Field<StringGraphType>("displayName").Resolve(c => c.Source.DisplayName);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles").Resolve(c => c.Source.Roles);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<NonNullGraphType<BooleanGraphType>>("lockedOut").Description("Locked after repeated failed sign-ins.").Resolve(c => c.Source.LockedOut);
    }
}

public sealed class PartnerAppGraphType : ObjectGraphType<PartnerApplication>
{
    public const string TypeName = "PartnerApp";

    public PartnerAppGraphType()
    {
        Name = TypeName;
        Description = "A partner's OAuth client-credentials application, bound to one client or to the agency.";
        Interface<NodeInterface>();
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<NonNullGraphType<StringGraphType>>("clientId").Description("The OAuth client_id for POST /connect/token.").Resolve(c => c.Source.ClientId);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.DisplayName ?? c.Source.ClientId);
        Field<NonNullGraphType<BooleanGraphType>>("agency").Description("Bound to the agency rather than a client.").Resolve(c => c.Source.OwnerClientId is null);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
    }
}

/// <summary>The created application with its secret (shown this once: only its hash is stored), or the revoked one.</summary>
public sealed record PartnerAppPayload(PartnerApplication? PartnerApp, string? ClientSecret, IReadOnlyList<Leads.UserError> Errors);

public sealed class PartnerAppPayloadGraphType : ObjectGraphType<PartnerAppPayload>
{
    public PartnerAppPayloadGraphType()
    {
        Name = "PartnerAppPayload";
        Field<PartnerAppGraphType>("partnerApp").Resolve(c => c.Source.PartnerApp);
        Field<StringGraphType>("clientSecret").Description("createPartnerApp only, this once: store it now; it cannot be read again.").Resolve(c => c.Source.ClientSecret);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<Leads.UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
