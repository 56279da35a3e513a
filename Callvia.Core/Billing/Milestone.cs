using Callvia.Core.Tenancy;

namespace Callvia.Core.Billing;

public enum MilestoneStatus { Pending, Invoiced, Paid, Failed, Void }

/// <summary>Every <see cref="Client.MilestoneSize"/>th shown appointment: number = shown / size.</summary>
public class Milestone : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public int Number { get; set; }
    public int ShownCount { get; set; }
    public decimal Amount { get; set; }
    public MilestoneStatus Status { get; set; } = MilestoneStatus.Pending;
    public Guid? InvoiceId { get; set; }
    public DateTimeOffset ReachedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One shown appointment in the milestone ledger (<see cref="MilestoneLedger"/>): first in the pool (no milestone yet),
/// then one of its milestone's <see cref="Client.MilestoneSize"/> appointments. The verification is copied as it was when
/// the appointment counted (the rule, when, by whom, the evidence in words), so the milestone's evidence never changes
/// behind an invoice. An appointment corrected to not shown leaves the ledger (<see cref="RemovedAt"/>, kept for the
/// record); the next shown appointment takes its place in that milestone (<see cref="ReplacesEntryId"/>).
/// </summary>
public class MilestoneEntry : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid AppointmentId { get; set; }
    public Guid? MilestoneId { get; set; }
    /// <summary>Its place (1 to the milestone's size) in the milestone, once in one.</summary>
    public int? Position { get; set; }
    public Appointments.VerificationSource Source { get; set; }
    public DateTimeOffset VerifiedAt { get; set; }
    public required string VerifiedBy { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset EnteredAt { get; set; }
    public Guid? ReplacesEntryId { get; set; }
    public DateTimeOffset? RemovedAt { get; set; }
    /// <summary>
    /// Removed from a milestone, and its place there not filled yet (<see cref="MilestoneLedger.Holes"/>): set when the
    /// entry is corrected out of a milestone, cleared when the next shown appointment takes its place.
    /// </summary>
    public bool PlaceOpen { get; set; }
    public string? RemovedReason { get; set; }
}
