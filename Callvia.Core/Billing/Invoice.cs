using Callvia.Core.Tenancy;

namespace Callvia.Core.Billing;

public enum InvoiceKind { Usage, Milestone }
public enum InvoiceStatus { Draft, Open, Paid, Failed, Void }

/// <summary>
/// How far an invoice has been made in Stripe (<see cref="InvoiceIssuer"/>): each step is done once, under its own
/// idempotency key, and recorded before the next starts, so a crash or a retry resumes where it stopped.
/// </summary>
public enum InvoiceStep { Recorded, Created, LinesAdded, Finalized, Sent }

public class Invoice : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public InvoiceKind Kind { get; set; }
    /// <summary>"yyyy-MM" for a monthly usage invoice; null for a milestone invoice.</summary>
    public string? Period { get; set; }
    public string? StripeInvoiceId { get; set; }
    /// <summary>Integer cents, as Stripe counts.</summary>
    public long AmountCents { get; set; }
    public string Currency { get; set; } = "usd";
    public InvoiceStatus Status { get; set; } = InvoiceStatus.Draft;
    public string? HostedInvoiceUrl { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    /// <summary>Made without Stripe keys: recorded and shown as simulated, never sent to Stripe (also not later).</summary>
    public bool Simulated { get; set; }
    public InvoiceStep StripeStep { get; set; } = InvoiceStep.Recorded;
    /// <summary>
    /// Raised when Stripe answered a step with a 5xx and a look in Stripe showed the step was not done: Stripe replays a
    /// kept 5xx for the same key, so the step is tried again under a new one (<see cref="StripeGateway.Keys"/>).
    /// </summary>
    public int StripeKeyRound { get; set; }
    /// <summary>Attempts to make it in Stripe that failed (a timeout, a 5xx); after <see cref="InvoiceIssuer.MaxAttempts"/> it stops, visibly.</summary>
    public int IssueAttempts { get; set; }
    /// <summary>Why the last attempt to make it in Stripe failed (Stripe's message; never a key).</summary>
    public string? IssueError { get; set; }
    /// <summary>When making it in Stripe was given up (a refusal, or too many failures): shown on the agency console, retried only by hand.</summary>
    public DateTimeOffset? IssueFailedAt { get; set; }
    /// <summary>Stripe's invoice number (e.g. "CV-0001"), once finalized.</summary>
    public string? Number { get; set; }
    /// <summary>What the invoice is for, in words: the month, or the milestone and where its evidence is.</summary>
    public string? Description { get; set; }
    /// <summary>For a milestone invoice: the milestone's number.</summary>
    public int? MilestoneNumber { get; set; }
    /// <summary>Credited back by the agency (credit notes), in cents.</summary>
    public long CreditedCents { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One line of an invoice as sent to Stripe: a campaign's minutes of the month (or its late usage of earlier months),
/// or the milestone. <see cref="Cost"/> is the exact sum; <see cref="AmountCents"/> its share of the invoice's total,
/// which is rounded once (<see cref="UsageCost.Allocate"/>), so the lines always add up to it.
/// </summary>
public class InvoiceLine : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid InvoiceId { get; set; }
    public int Position { get; set; }
    public Guid? CampaignId { get; set; }
    public required string Description { get; set; }
    public int Calls { get; set; }
    public long Seconds { get; set; }
    public decimal Cost { get; set; }
    public long AmountCents { get; set; }
    /// <summary>Usage of a month already closed when it was reported (or carried over): billed here, marked as such.</summary>
    public bool Late { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
