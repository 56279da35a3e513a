using Callvia.Core.Tenancy;

namespace Callvia.Core.Messaging;

/// <summary>
/// A client's own wording of one automated message kind on one channel (a reminder, the check-in, a rebook step). A kind
/// and channel without a row use <see cref="MessageTemplates.Defaults"/>. Placeholders are <c>{{name}}</c>
/// (<see cref="MessageTemplates.Placeholders"/>); the subject is the email's.
/// </summary>
public class MessageTemplate : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public required string Kind { get; set; }
    public MessageChannel Channel { get; set; }
    public string? Subject { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An email address that bounced for good (a hard bounce the provider reported): no email goes to it again.</summary>
public class EmailBounce : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    /// <summary>Lower-cased.</summary>
    public required string Email { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
