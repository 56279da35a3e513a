using Callvia.Api.GraphQL;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

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
        Field<NonNullGraphType<CampaignStatsGraphType>>("stats").Description("Lead counts by status.")
            .ResolveAsync(async c => CampaignStats.From(await c.RequestServices!.GetRequiredService<CallviaDbContext>()
                .CampaignLeadCounts.AsNoTracking().Where(x => x.CampaignId == c.Source.Id).ToListAsync(c.CancellationToken)));
    }
}

public sealed class CampaignStatusGraphType : EnumerationGraphType<CampaignStatus>
{
    public CampaignStatusGraphType() => Name = "CampaignStatus";
}
