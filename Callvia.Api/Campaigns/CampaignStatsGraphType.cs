using Callvia.Core.Campaigns;
using Callvia.Core.Leads;
using GraphQL.Types;

namespace Callvia.Api.Campaigns;

/// <summary>Lead counts of a campaign by status, from the counters the database keeps.</summary>
public sealed record CampaignStats(long Total, long New, long Contacted, long Callback, long Booked, long Dnc)
{
    public static CampaignStats From(IReadOnlyDictionary<LeadStatus, long> by)
    {
        long Of(LeadStatus s) => by.GetValueOrDefault(s);
        return new CampaignStats(by.Values.Sum(), Of(LeadStatus.New), Of(LeadStatus.Contacted), Of(LeadStatus.Callback), Of(LeadStatus.Booked), Of(LeadStatus.Dnc));
    }
}

public sealed class CampaignStatsGraphType : ObjectGraphType<CampaignStats>
{
    public CampaignStatsGraphType()
    {
        Name = "CampaignStats";
        Field<NonNullGraphType<IntGraphType>>("total").Resolve(c => (int)c.Source.Total);
        Field<NonNullGraphType<IntGraphType>>("new").Resolve(c => (int)c.Source.New);
        Field<NonNullGraphType<IntGraphType>>("contacted").Resolve(c => (int)c.Source.Contacted);
        Field<NonNullGraphType<IntGraphType>>("callback").Resolve(c => (int)c.Source.Callback);
        Field<NonNullGraphType<IntGraphType>>("booked").Resolve(c => (int)c.Source.Booked);
        Field<NonNullGraphType<IntGraphType>>("dnc").Resolve(c => (int)c.Source.Dnc);
    }
}
