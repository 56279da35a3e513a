using Callvia.Api.GraphQL;
using Callvia.Api.Identity;
using Callvia.Api.Kpis;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using GraphQL.Types;

namespace Callvia.Api.Tenancy;

public sealed class ClientGraphType : ObjectGraphType<Client>
{
    public const string TypeName = "Client";

    public ClientGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        IsTypeOf = o => o is Client;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field(c => c.Name);
        Field(c => c.Slug);
        Field(c => c.TimeZone).Description("IANA time zone the client's people see times in.");
        Field<NonNullGraphType<ClientStatusGraphType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<StringGraphType>>("defaultRegion").Description("ISO 3166 region for phone numbers written without a country code.")
            .Resolve(c => c.Source.DefaultRegion);
        Field<NonNullGraphType<MoneyGraphType>>("ratePerMinute").Description("Price of a call minute.")
            .Resolve(c => new Money(c.Source.RatePerMinute, c.Source.Currency));
        Field<NonNullGraphType<IntGraphType>>("milestoneSize").Description("Shown appointments per milestone.").Resolve(c => c.Source.MilestoneSize);
        Field<NonNullGraphType<MoneyGraphType>>("milestoneAmount").Description("Price of a milestone.")
            .Resolve(c => new Money(c.Source.MilestoneAmount, c.Source.Currency));
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<NonNullGraphType<KpisGraphType>>("kpis")
            .Description("The client's KPIs for [from, to); in the agency's list, one batched query for the whole page.")
            .Argument<UtcDateTimeGraphType>("from")
            .Argument<UtcDateTimeGraphType>("to")
            .Resolve(c => ClientKpis.Load(c, c.Source.Id, KpiArguments.Range(c)));
        Field<ListGraphType<NonNullGraphType<ProviderSecretStatusGraphType>>>("providerSecrets")
            .Description("Which providers have a secret and since when (never the values). Admins only, on the client's host; null elsewhere.")
            .ResolveAsync(async c =>
            {
                Callers.RequireAdmin(c, "see provider secrets");
                if (Callers.Tenant(c).ClientId != c.Source.Id) return null;
                var set = (await c.RequestServices!.GetRequiredService<ProviderSecrets>().ListAsync(c.CancellationToken))
                    .ToDictionary(s => s.Provider, s => s.UpdatedAt);
                return WebhookProviders.ClientSecrets
                    .Select(p => new ProviderSecretStatus(p, set.ContainsKey(p), set.TryGetValue(p, out var at) ? at : null)).ToList();
            });
    }
}

public sealed class ClientStatusGraphType : EnumerationGraphType<ClientStatus>
{
    public ClientStatusGraphType() => Name = "ClientStatus";
}

public sealed record ProviderSecretStatus(string Provider, bool Configured, DateTimeOffset? UpdatedAt);

public sealed class ProviderSecretStatusGraphType : ObjectGraphType<ProviderSecretStatus>
{
    public ProviderSecretStatusGraphType()
    {
        Name = "ProviderSecretStatus";
        Field<NonNullGraphType<StringGraphType>>("provider").Description("retell, calcom, messagebird or sendgrid.").Resolve(c => c.Source.Provider);
        Field<NonNullGraphType<BooleanGraphType>>("configured").Resolve(c => c.Source.Configured);
        Field<UtcDateTimeGraphType>("updatedAt").Description("When the secret was last set; null when not configured.").Resolve(c => c.Source.UpdatedAt);
    }
}
