using Callvia.Api.GraphQL;
using Callvia.Core.Campaigns;
using GraphQL.Types;

namespace Callvia.Api.Campaigns;

public sealed class CampaignGraphType : ObjectGraphType<Campaign>
{
    public const string TypeName = "Campaign";

    public CampaignGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        IsTypeOf = o => o is Campaign;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field(c => c.Name);
        Field(c => c.Description, nullable: true);
        Field<NonNullGraphType<CampaignStatusGraphType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<NonNullGraphType<StringGraphType>>("callWindowStart").Description("HH:mm, the lead's local time.").Resolve(c => c.Source.CallWindowStart.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Field<NonNullGraphType<StringGraphType>>("callWindowEnd").Description("HH:mm, the lead's local time.").Resolve(c => c.Source.CallWindowEnd.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DayOfWeekGraphType>>>>("callDays").Resolve(c => c.Source.AllowedDays.Order().ToList());
        Field<NonNullGraphType<IntGraphType>>("maxConcurrentCalls").Resolve(c => c.Source.MaxConcurrentCalls);
        Field<NonNullGraphType<IntGraphType>>("maxAttempts").Resolve(c => c.Source.MaxAttempts);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IntGraphType>>>>("retryLadderMinutes").Resolve(c => c.Source.RetryLadderMinutes);
        Field<NonNullGraphType<BooleanGraphType>>("requiresConsent").Resolve(c => c.Source.RequiresConsent);
        Field<StringGraphType>("retellAgentId").Resolve(c => c.Source.RetellAgentId);
        Field<StringGraphType>("fromNumber").Resolve(c => c.Source.FromNumber);
        Field<NonNullGraphType<CampaignStatsGraphType>>("stats").Description("Lead counts by status (batched over a page of campaigns).")
            .Resolve(c => CampaignQueries.Stats(c, c.Source.Id));
        Field<NonNullGraphType<CampaignDialerGraphType>>("dialer").Description("The dialer's state now (a few queries per campaign: ask for it on one campaign, not a long list).")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<Core.Dialer.DialerStatus>().ForCampaignAsync(c.Source, c.CancellationToken));
    }
}

public sealed class DayOfWeekGraphType : EnumerationGraphType<DayOfWeek>
{
    public DayOfWeekGraphType() => Name = "DayOfWeek";
}

public sealed class CampaignStatusGraphType : EnumerationGraphType<CampaignStatus>
{
    public CampaignStatusGraphType() => Name = "CampaignStatus";
}
