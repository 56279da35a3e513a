namespace Callvia.Core.Tenancy;

public enum ClientStatus { Active, Suspended }

/// <summary>A client business: one tenant, addressed by <see cref="Slug"/> as <c>{slug}.{RootDomain}</c>.</summary>
public class Client
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public ClientStatus Status { get; set; } = ClientStatus.Active;
    /// <summary>IANA zone used to show times to the client's people.</summary>
    public string TimeZone { get; set; } = "America/New_York";
    /// <summary>ISO 3166 region used to read phone numbers written without a country code.</summary>
    public string DefaultRegion { get; set; } = "US";
    public decimal RatePerMinute { get; set; } = 0.20m;
    public int MilestoneSize { get; set; } = 25;
    public decimal MilestoneAmount { get; set; } = 2000m;
    public string Currency { get; set; } = "usd";
    public string? StripeCustomerId { get; set; }
    /// <summary>Where invoices and payment warnings go (the Stripe customer's email).</summary>
    public string? BillingEmail { get; set; }
    public string? BookingUrl { get; set; }
    /// <summary>Calls at once across all the client's campaigns (its Retell account's concurrency).</summary>
    public int MaxConcurrentCalls { get; set; } = 20;
    /// <summary>The client's kill switch: while set, the dialer starts no call for it (calls in progress finish).</summary>
    public DateTimeOffset? DialerStoppedAt { get; set; }
    /// <summary>Until when the dialer leaves the client alone after Retell's rate or concurrency limit (429).</summary>
    public DateTimeOffset? DialerBackoffUntil { get; set; }
    /// <summary>The automated message kinds the client has turned off (<see cref="Messaging.MessageTemplates.Switchable"/>); all are on by default.</summary>
    public List<string> MessageKindsOff { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
