using Callvia.Core.Tenancy;

namespace Callvia.Core.Billing;

public enum InvoiceKind { Usage, Milestone }
public enum InvoiceStatus { Draft, Open, Paid, Failed, Void }

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
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
