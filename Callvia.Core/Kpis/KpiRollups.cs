using Callvia.Core.Leads;
using Callvia.Core.Tenancy;

namespace Callvia.Core.Kpis;

/// <summary>
/// Leads created on a day (in the client's time zone), by their current status, per campaign. Kept by statement-level
/// triggers on <c>leads</c> in the same transaction as the leads, so it always equals counting them; rebuilt for a
/// client whose time zone changes (trigger on <c>clients</c>). The KPIs read whole days here and only the partial
/// days at a range's ends from <c>leads</c>.
/// </summary>
public class KpiDailyLeads : ITenantOwned
{
    public Guid ClientId { get; set; }
    public DateOnly Day { get; set; }
    public Guid CampaignId { get; set; }
    public LeadStatus Status { get; set; }
    public long Count { get; set; }
}

/// <summary>
/// Calls created and usage cost incurred on a day (in the client's time zone), per campaign (<see cref="Guid.Empty"/>
/// for calls with no campaign). Kept by statement-level triggers on <c>call_logs</c> and <c>usage_records</c>.
/// </summary>
public class KpiDailyCalls : ITenantOwned
{
    public Guid ClientId { get; set; }
    public DateOnly Day { get; set; }
    public Guid CampaignId { get; set; }
    public long Calls { get; set; }
    /// <summary>Unrounded, like the usage records it sums.</summary>
    public decimal UsageCost { get; set; }
}

/// <summary>
/// A campaign's leads that were ever called / ever contacted (the all-time called and contacted leads), kept by a
/// trigger on <c>leads</c> when <see cref="Lead.FirstCalledAt"/> / <see cref="Lead.FirstContactedAt"/> are first set.
/// </summary>
public class KpiCampaignReach : ITenantOwned
{
    public Guid CampaignId { get; set; }
    public Guid ClientId { get; set; }
    public long CalledLeads { get; set; }
    public long ContactedLeads { get; set; }
}

/// <summary>
/// Appointments per day (in the client's time zone) and campaign (<see cref="Guid.Empty"/> for none): bookings made that
/// day (a reschedule not counted again), and of the appointments starting that day those shown / verified (shown or
/// no-show). Kept by statement-level triggers on <c>appointments</c>.
/// </summary>
public class KpiDailyAppointments : ITenantOwned
{
    public Guid ClientId { get; set; }
    public DateOnly Day { get; set; }
    public Guid CampaignId { get; set; }
    public long Booked { get; set; }
    public long Shown { get; set; }
    public long Verified { get; set; }
}
