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
        Field<NonNullGraphType<CampaignStatsGraphType>>("stats").Description("Lead counts by status (batched over a page of campaigns).")
            .Resolve(c => CampaignQueries.Stats(c, c.Source.Id));
    }
}

public sealed class CampaignStatusGraphType : EnumerationGraphType<CampaignStatus>
{
    public CampaignStatusGraphType() => Name = "CampaignStatus";
}
