using Callvia.Core.Campaigns;
using Callvia.Core.Tenancy;

namespace Callvia.Core.Leads;

public enum LeadStatus { New, Contacted, Callback, Booked, Dnc }

public class Lead : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid CampaignId { get; set; }
    public Campaign? Campaign { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    /// <summary>Normalized with libphonenumber; unique per campaign.</summary>
    public required string PhoneE164 { get; set; }
    /// <summary>The number exactly as the client gave it.</summary>
    public required string PhoneRaw { get; set; }
    public string? Email { get; set; }
    public string? TimeZone { get; set; }
    public LeadStatus Status { get; set; } = LeadStatus.New;
    public int Attempts { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>Extra CSV columns, passed to the call agent as variables.</summary>
    public Dictionary<string, string> CustomFields { get; set; } = [];
    public DateTimeOffset? OptedOutAt { get; set; }
    /// <summary>When the lead's first call was logged; kept by the database (trigger on call_logs), never written here.</summary>
    public DateTimeOffset? FirstCalledAt { get; set; }
    /// <summary>When a call first connected (started, or lasted a second); kept by the database like <see cref="FirstCalledAt"/>.</summary>
    public DateTimeOffset? FirstContactedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
