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

/// <summary>
/// The called and contacted leads of any range of whole days, without counting distinct leads at read time. For each
/// lead and campaign, every local day with a call (or a connected call) adds 1 at (<see cref="Day"/>,
/// <see cref="Since"/>), where Since is the lead's previous such day (<see cref="DateOnly.MinValue"/> stored as
/// <c>-infinity</c> when there is none). A lead is in the range's called leads exactly once: on its first call day in
/// the range, which is the one whose previous call day is before the range. So the called leads of days [A, B) are the
/// sum over Day in [A, B) with Since &lt; A; read from about (days × distinct previous days) rows instead of every call.
/// Kept by a statement-level trigger on <c>call_logs</c> (the changed leads' days before and after the statement),
/// rebuilt when the client's time zone changes.
/// </summary>
public class KpiDailyReach : ITenantOwned
{
    public Guid ClientId { get; set; }
    public DateOnly Day { get; set; }
    /// <summary>The calls' campaign (<see cref="Guid.Empty"/> for none).</summary>
    public Guid CampaignId { get; set; }
    public DateOnly Since { get; set; }
    public long Called { get; set; }
    public long Contacted { get; set; }
}
