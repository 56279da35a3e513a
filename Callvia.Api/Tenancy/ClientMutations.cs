using Callvia.Web.Tenancy;
using Callvia.Api.GraphQL;
using Callvia.Api.Identity;
using Callvia.Api.Leads;
using Callvia.Core.Auditing;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Tenancy;

public sealed record ClientPayload(Client? Client, IReadOnlyList<UserError> Errors)
{
    public static ClientPayload From((Client? Client, List<FieldIssue> Issues) r) =>
        new(r.Client, r.Issues.Select(i => new UserError(i.Field, i.Message, i.Code)).ToList());
}

public sealed class ClientPayloadGraphType : ObjectGraphType<ClientPayload>
{
    public ClientPayloadGraphType()
    {
        Name = "ClientPayload";
        Field<ClientGraphType>("client").Resolve(c => c.Source.Client);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed class CreateClientInputType : InputObjectGraphType
{
    public CreateClientInputType()
    {
        Name = "CreateClientInput";
        Field<NonNullGraphType<StringGraphType>>("slug").Description("The host label: {slug}.{RootDomain}. 2–63 of a-z, 0-9, inner hyphens; not admin, api, www, app.");
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<StringGraphType>("timeZone").Description("IANA zone, default America/New_York.");
        Field<StringGraphType>("defaultRegion").Description("ISO 3166 region for phone numbers, default US.");
        Field<DecimalStringGraphType>("ratePerMinute").Description("Default 0.20; above 0, at most 10.");
        Field<IntGraphType>("milestoneSize").Description("Default 25; 1 to 10,000.");
        Field<DecimalStringGraphType>("milestoneAmount").Description("Default 2000.00; above 0, at most 1,000,000.");
    }
}

public sealed class ProviderSecretsInputType : InputObjectGraphType
{
    public ProviderSecretsInputType()
    {
        Name = "ProviderSecretsInput";
        Description = "Each provider's webhook/API secret: a value (8–1000 characters) sets it, an empty string removes it, absent or null leaves it.";
        foreach (var provider in WebhookProviders.ClientSecrets) Field<StringGraphType>(provider);
    }
}

/// <summary><c>createClient</c>, <c>setClientStatus</c> (the agency) and <c>setProviderSecrets</c> (the client's admins or the agency).</summary>
public static class ClientMutations
{
    public static void Add(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ClientPayloadGraphType>>("createClient")
            .Description("Agency only: a new, active client at {slug}.{RootDomain}. Audited.")
            .Argument<NonNullGraphType<CreateClientInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAgency(ctx, "create clients");
                var raw = ctx.GetArgument<Dictionary<string, object?>>("input");
                var input = new ClientInput(raw.GetValueOrDefault("slug") as string, raw.GetValueOrDefault("name") as string,
                    raw.GetValueOrDefault("timeZone") as string, raw.GetValueOrDefault("defaultRegion") as string,
                    raw.GetValueOrDefault("ratePerMinute") as decimal?, raw.GetValueOrDefault("milestoneSize") as int?,
                    raw.GetValueOrDefault("milestoneAmount") as decimal?);
                return ClientPayload.From(await Admin(ctx).CreateAsync(input, ctx.CancellationToken));
            });

        mutation.Field<NonNullGraphType<ClientPayloadGraphType>>("setClientStatus")
            .Description("Agency only: SUSPENDED refuses the client's host (403) from the next request; ACTIVE opens it again. Audited.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<ClientStatusGraphType>>("status")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAgency(ctx, "change a client's status");
                return GlobalId.Decode(ctx.GetArgument<string>("id"), ClientGraphType.TypeName) is { } id
                    ? ClientPayload.From(await Admin(ctx).SetStatusAsync(id, ctx.GetArgument<ClientStatus>("status"), ctx.CancellationToken))
                    : new ClientPayload(null, [new UserError("id", "Not a client id.", "NOT_FOUND")]);
            });

        mutation.Field<NonNullGraphType<ClientPayloadGraphType>>("setProviderSecrets")
            .Description("The host client's provider secrets, all or nothing; stored encrypted, never returned (see Client.providerSecrets). Audited.")
            .Argument<NonNullGraphType<ProviderSecretsInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAdmin(ctx, "set provider secrets");
                var client = Callers.HostClient(ctx);
                var changes = ctx.GetArgument<Dictionary<string, object?>>("input")
                    .Where(kv => kv.Value is string).ToDictionary(kv => kv.Key, kv => (string)kv.Value!);
                var issues = await ctx.RequestServices!.GetRequiredService<ProviderSecrets>().SetManyAuditedAsync(changes, ctx.CancellationToken);
                var db = ctx.RequestServices!.GetRequiredService<CallviaDbContext>();
                var row = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == client.Id, ctx.CancellationToken);
                return ClientPayload.From((issues.Count == 0 ? row : null, issues));
            });
    }

    private static ClientAdmin Admin(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<ClientAdmin>();
}
