using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Core.Leads;
using GraphQL;
using GraphQL.Types;

namespace Callvia.Api.Leads;

public sealed record LeadPayload(Lead? Lead, bool Created, IReadOnlyList<UserError> Errors);

public sealed class LeadPayloadGraphType : ObjectGraphType<LeadPayload>
{
    public LeadPayloadGraphType()
    {
        Name = "LeadPayload";
        Field<LeadGraphType>("lead").Resolve(c => c.Source.Lead);
        Field<NonNullGraphType<BooleanGraphType>>("created").Description("True when the lead was added, false when an existing lead was changed.")
            .Resolve(c => c.Source.Created);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed class UpsertLeadInputType : InputObjectGraphType
{
    public UpsertLeadInputType()
    {
        Name = "UpsertLeadInput";
        Description = "A lead, found by id when given, else by campaign and phone number (E.164). On a change, null or absent leaves a field as it is, \"\" clears it.";
        Field<IdGraphType>("id").Description("The lead to change.");
        Field<IdGraphType>("campaignId").Description("The campaign of a new lead (a lead stays in its campaign).");
        Field<StringGraphType>("phone").Description("Any format; the client's region applies to numbers without a country code.");
        Field<StringGraphType>("firstName");
        Field<StringGraphType>("lastName");
        Field<StringGraphType>("email");
        Field<StringGraphType>("timeZone").Description("IANA (or Windows) zone id; by default the number's zone.");
        Field<UtcDateTimeGraphType>("consentAt").Description("When the lead consented to be called (prior express written consent for AI-voice calls in the US); not in the future. A campaign that requires consent calls only leads with it.");
        Field<StringGraphType>("consentSource").Description("How consent was given (a web form, a signed paper); up to 200 characters, needs consentAt; \"\" clears it.");
        Field<ListGraphType<NonNullGraphType<CustomFieldInputType>>>("customFields")
            .Description("Merged into the lead's by name (case-insensitive): a value replaces, \"\" removes, fields not named stay. At most 50 per lead.");
    }
}

public sealed class CustomFieldInputType : InputObjectGraphType
{
    public CustomFieldInputType()
    {
        Name = "CustomFieldInput";
        Description = "A custom field of a lead (a variable for the call agent), like an extra column of an import.";
        Field<NonNullGraphType<StringGraphType>>("name").Description("Up to 64 characters; not a lead field such as phone or email.");
        Field<NonNullGraphType<StringGraphType>>("value").Description("Up to 1000 characters; \"\" removes the field.");
    }
}

/// <summary><c>upsertLead</c>: the rules are <see cref="LeadEditor"/>'s; this maps ids and errors.</summary>
public static class LeadMutations
{
    public static void Add(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<LeadPayloadGraphType>>("upsertLead")
            .Description("Adds a lead to a campaign, or changes it (by id, or by campaign and phone number).")
            .Argument<NonNullGraphType<UpsertLeadInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var raw = ctx.GetArgument<Dictionary<string, object?>>("input");
                var errors = new List<UserError>();
                Guid? Id(string field, string type)
                {
                    if (raw.GetValueOrDefault(field) is not string value) return null;
                    if (GlobalId.Decode(value, type) is { } id) return id;
                    errors.Add(new UserError(field, $"Not a {type.ToLowerInvariant()} id.", "NOT_FOUND"));
                    return null;
                }
                var input = new LeadInput(Id("id", LeadGraphType.TypeName), Id("campaignId", CampaignGraphType.TypeName),
                    raw.GetValueOrDefault("phone") as string, raw.GetValueOrDefault("firstName") as string, raw.GetValueOrDefault("lastName") as string,
                    raw.GetValueOrDefault("email") as string, raw.GetValueOrDefault("timeZone") as string,
                    (raw.GetValueOrDefault("customFields") as IEnumerable<object?>)?.OfType<Dictionary<string, object?>>()
                        .Select(f => new KeyValuePair<string, string>((string)f["name"]!, (string)f["value"]!)).ToList(),
                    raw.GetValueOrDefault("consentAt") switch { DateTimeOffset d => d, DateTime d => new DateTimeOffset(d.ToUniversalTime()), _ => null },
                    raw.GetValueOrDefault("consentSource") as string);
                if (errors.Count > 0) return new LeadPayload(null, false, errors);
                var result = await ctx.RequestServices!.GetRequiredService<LeadEditor>().UpsertAsync(input, ctx.CancellationToken);
                return new LeadPayload(result.Lead, result.Created, result.Issues.Select(i => new UserError(i.Field, i.Message, i.Code)).ToList());
            });
}
