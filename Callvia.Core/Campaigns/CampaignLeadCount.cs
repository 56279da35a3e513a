using Callvia.Core.Leads;
using Callvia.Core.Tenancy;

namespace Callvia.Core.Campaigns;

/// <summary>
/// How many leads of a campaign are in each status. Maintained by statement-level triggers on
/// <c>leads</c> (insert, status change, delete), so every writer (imports, webhooks, the API) keeps it
/// right, and reading a campaign's statistics stays a handful of rows at any campaign size.
/// </summary>
public class CampaignLeadCount : ITenantOwned
{
    public Guid CampaignId { get; set; }
    public LeadStatus Status { get; set; }
    public Guid ClientId { get; set; }
    public long Count { get; set; }
}
