using Callvia.Core.Tenancy;

namespace Callvia.Core.Messaging;

public enum MessageChannel { Sms, Email }
public enum MessageDirection { Outbound, Inbound }
public enum MessageStatus { Scheduled, Sent, Delivered, Failed, Cancelled, Simulated, Received, Bounced }

/// <summary>Well-known kinds; a scheduled kind is unique per appointment and channel.</summary>
public static class MessageKinds
{
    public const string Reminder24h = "reminder_24h";
    public const string Reminder2h = "reminder_2h";
    public const string Reminder15m = "reminder_15m";
    public const string CheckIn = "checkin";
    public const string Rebook1 = "rebook_1";
    public const string Rebook2 = "rebook_2";
    public const string Rebook3 = "rebook_3";
    public const string Manual = "manual";
    public const string OptOutConfirmation = "opt_out_confirmation";
    public const string Inbound = "inbound";
    /// <summary>To the client's billing email: a Stripe payment of one of its invoices failed.</summary>
    public const string PaymentFailed = "payment_failed";
}

public class Message : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid? LeadId { get; set; }
    public Guid? AppointmentId { get; set; }
    public required string Kind { get; set; }
    public MessageChannel Channel { get; set; }
    public MessageDirection Direction { get; set; } = MessageDirection.Outbound;
    public MessageStatus Status { get; set; } = MessageStatus.Scheduled;
    public required string ToAddress { get; set; }
    public string? FromAddress { get; set; }
    public string? Subject { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset? ScheduledFor { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? ProviderMessageId { get; set; }
    public string? Error { get; set; }
    /// <summary>The caller's key for a manual send: the same key of the same client returns this message instead of sending again.</summary>
    public string? IdempotencyKey { get; set; }
    /// <summary>
    /// When a jobs-service instance took this scheduled message to send it (<c>app_claim_due_messages</c>): from then on
    /// no other instance takes it, and if the taker never records the provider's answer the message ends FAILED as
    /// interrupted, never sent again.
    /// </summary>
    public DateTimeOffset? ClaimedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
