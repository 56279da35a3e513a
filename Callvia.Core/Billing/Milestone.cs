using Callvia.Core.Tenancy;

namespace Callvia.Core.Billing;

public enum MilestoneStatus { Pending, Invoiced, Paid, Failed }

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
