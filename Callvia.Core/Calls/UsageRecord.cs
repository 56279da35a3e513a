using Callvia.Core.Tenancy;

namespace Callvia.Core.Calls;

/// <summary>The billable minutes of one ended call (one per call log), priced at the client's rate.</summary>
public class UsageRecord : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid CallLogId { get; set; }
    /// <summary>
    /// The call's campaign, kept by the database (13_billing.sql: set from the call when the usage is recorded, and
    /// again when the call's campaign changes), so the month close groups its lines without reading the calls.
    /// </summary>
    public Guid? CampaignId { get; private set; }
    public int Seconds { get; set; }
    public decimal RatePerMinute { get; set; }
    /// <summary>seconds × rate / 60, unrounded; rounded to cents once, on the invoice.</summary>
    public decimal Cost { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid? InvoiceId { get; set; }
    /// <summary>The minutes of a simulated call (the sandbox): shown as such, never invoiced.</summary>
    public bool Simulated { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
