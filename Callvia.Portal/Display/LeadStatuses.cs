using Callvia.Core.Data;
using Callvia.Core.Leads;

namespace Callvia.Portal.Display;

/// <summary>Lead statuses in the order a lead moves through them, with the words people read.</summary>
public static class LeadStatuses
{
    public static readonly LeadStatus[] InOrder = [LeadStatus.New, LeadStatus.Contacted, LeadStatus.Callback, LeadStatus.Booked, LeadStatus.Dnc];

    public static string Label(LeadStatus s) => s switch
    {
        LeadStatus.New => "New", LeadStatus.Contacted => "Contacted", LeadStatus.Callback => "Callback",
        LeadStatus.Booked => "Booked", LeadStatus.Dnc => "Do not call", _ => s.ToString(),
    };

    /// <summary>The stored name ("dnc"), as KPI snapshots carry it.</summary>
    public static string Stored(LeadStatus s) => SnakeCaseEnum<LeadStatus>.ToDb(s);
}
