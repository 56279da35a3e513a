using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Campaigns;
using GraphQL;
using GraphQL.Types;

namespace Callvia.Api.Campaigns;

public sealed record CampaignPayload(Campaign? Campaign, IReadOnlyList<UserError> Errors)
{
    public static CampaignPayload From((Campaign? Campaign, List<FieldIssue> Issues) r) =>
        new(r.Campaign, r.Issues.Select(i => new UserError(i.Field, i.Message, i.Code)).ToList());
}

public sealed class CampaignPayloadGraphType : ObjectGraphType<CampaignPayload>
{
    public CampaignPayloadGraphType()
    {
        Name = "CampaignPayload";
        Field<CampaignGraphType>("campaign").Resolve(c => c.Source.Campaign);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>Campaign fields; on update, the <c>id</c> and only the fields to change.</summary>
public abstract class CampaignInputType : InputObjectGraphType
{
    protected CampaignInputType(string name, bool update)
    {
        Name = name;
        if (update) Field<NonNullGraphType<IdGraphType>>("id");
        if (update) Field<StringGraphType>("name"); else Field<NonNullGraphType<StringGraphType>>("name");
        Field<StringGraphType>("description");
        Field<StringGraphType>("callWindowStart").Description("HH:mm, the lead's local time.");
        Field<StringGraphType>("callWindowEnd").Description("HH:mm, the lead's local time.");
        Field<IntGraphType>("maxConcurrentCalls");
        Field<IntGraphType>("maxAttempts");
        Field<IntGraphType>("retryDelayMinutes").DeprecationReason("Use retryLadderMinutes; this sets a one-step ladder.");
        Field<ListGraphType<NonNullGraphType<IntGraphType>>>("retryLadderMinutes")
            .Description("Minutes before each retry of an unanswered lead (1 to 10 steps of 5 to 10,080): the n-th retry waits the n-th step, later ones the last.");
        Field<ListGraphType<NonNullGraphType<DayOfWeekGraphType>>>("callDays").Description("The days calls may be made, in each lead's local calendar (default Monday to Saturday).");
        Field<BooleanGraphType>("requiresConsent").Description("Call only leads with recorded consent (default true: AI-voice calls need prior express written consent in the US).");
        Field<StringGraphType>("retellAgentId");
        Field<StringGraphType>("fromNumber");
    }
}

public sealed class CreateCampaignInputType() : CampaignInputType("CreateCampaignInput", update: false);

public sealed class UpdateCampaignInputType() : CampaignInputType("UpdateCampaignInput", update: true);

public static class CampaignMutations
{
    public static void Add(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<CampaignPayloadGraphType>>("createCampaign")
            .Description("A new campaign, in DRAFT.")
            .Argument<NonNullGraphType<CreateCampaignInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var (input, errors) = Read(ctx.GetArgument<Dictionary<string, object?>>("input"));
                return errors.Count > 0 ? new CampaignPayload(null, errors)
                    : CampaignPayload.From(await Editor(ctx).CreateAsync(input, ctx.CancellationToken));
            });

        mutation.Field<NonNullGraphType<CampaignPayloadGraphType>>("updateCampaign")
            .Argument<NonNullGraphType<UpdateCampaignInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var raw = ctx.GetArgument<Dictionary<string, object?>>("input");
                if (GlobalId.Decode(raw.GetValueOrDefault("id") as string, CampaignGraphType.TypeName) is not { } id)
                    return new CampaignPayload(null, [new UserError("id", "Not a campaign id.", "NOT_FOUND")]);
                var (input, errors) = Read(raw);
                return errors.Count > 0 ? new CampaignPayload(null, errors)
                    : CampaignPayload.From(await Editor(ctx).UpdateAsync(id, input, ctx.CancellationToken));
            });

        mutation.Field<NonNullGraphType<CampaignPayloadGraphType>>("setCampaignStatus")
            .Description("Start (ACTIVE), pause (PAUSED) or archive (ARCHIVED, final) a campaign.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<CampaignStatusGraphType>>("status")
            .ResolveAsync(async ctx =>
                GlobalId.Decode(ctx.GetArgument<string>("id"), CampaignGraphType.TypeName) is { } id
                    ? CampaignPayload.From(await Editor(ctx).SetStatusAsync(id, ctx.GetArgument<CampaignStatus>("status"), ctx.CancellationToken))
                    : new CampaignPayload(null, [new UserError("id", "Not a campaign id.", "NOT_FOUND")]));
    }

    private static CampaignEditor Editor(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<CampaignEditor>();

    private static (CampaignInput Input, List<UserError> Errors) Read(Dictionary<string, object?> raw)
    {
        var errors = new List<UserError>();
        TimeOnly? Time(string field)
        {
            if (raw.GetValueOrDefault(field) is not string s) return null;
            if (TimeOnly.TryParseExact(s, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t)) return t;
            errors.Add(new UserError(field, "Use HH:mm (24-hour).", "VALIDATION"));
            return null;
        }
        var input = new CampaignInput(
            raw.GetValueOrDefault("name") as string, raw.GetValueOrDefault("description") as string,
            Time("callWindowStart"), Time("callWindowEnd"),
            raw.GetValueOrDefault("maxConcurrentCalls") as int?, raw.GetValueOrDefault("maxAttempts") as int?, raw.GetValueOrDefault("retryDelayMinutes") as int?,
            raw.GetValueOrDefault("retellAgentId") as string, raw.GetValueOrDefault("fromNumber") as string,
            (raw.GetValueOrDefault("callDays") as IEnumerable<object?>)?.OfType<DayOfWeek>().ToList(),
            (raw.GetValueOrDefault("retryLadderMinutes") as IEnumerable<object?>)?.OfType<int>().ToList(),
            raw.GetValueOrDefault("requiresConsent") as bool?);
        return (input, errors);
    }
}
