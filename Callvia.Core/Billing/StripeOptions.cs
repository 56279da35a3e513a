namespace Callvia.Core.Billing;

/// <summary>
/// The platform's Stripe account (one for all clients, contracts/stripe.md). Without a secret key invoices are recorded
/// as simulated (<see cref="Invoice.Simulated"/>) and shown as such, never sent to Stripe.
/// </summary>
public sealed class StripeOptions
{
    public const string Section = "Billing:Stripe";
    public string? ApiKey { get; set; }
    /// <summary>Stripe's API; a test's fake Stripe on loopback.</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";
    /// <summary>How long one request may take before it counts as failed (and is retried later under the same idempotency key).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Stripe.net's own retries of a request (connection errors, 409, 5xx), under the same key.</summary>
    public int NetworkRetries { get; set; } = 2;
    /// <summary>Invoices are emailed by Stripe (collection "send_invoice") and due this many days later.</summary>
    public int DaysUntilDue { get; set; } = 14;
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}

/// <summary>Where the portal is, for the links an invoice carries (a milestone's evidence).</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";
    /// <summary>The portal's address for a client; <c>{slug}</c> is replaced. Default: https://{slug}.{RootDomain}.</summary>
    public string? PortalOrigin { get; set; }
}
