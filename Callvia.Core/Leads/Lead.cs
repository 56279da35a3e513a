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
    /// <summary>When the next attempt is due by the retry ladder or a callback asked for (null: at once, or none).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>
    /// When the dialer next looks at the lead: its next attempt, moved to the calling window's opening; null while a call
    /// is in progress or when the dialer is done with it (<see cref="DialerNote"/> says why). Set to the insert's time by
    /// the database for a new lead.
    /// </summary>
    public DateTimeOffset? DialAt { get; set; }
    /// <summary>When a call found the number unreachable (invalid, failed to dial): the dialer does not call it again.</summary>
    public DateTimeOffset? UnreachableAt { get; set; }
    /// <summary>The dialer's last word on the lead: why it waits or is not called.</summary>
    public string? DialerNote { get; set; }
    /// <summary>When the lead gave consent to be called (prior express written consent for AI-voice calls in the US).</summary>
    public DateTimeOffset? ConsentAt { get; set; }
    /// <summary>How consent was given (a web form, a signed paper), as the client recorded it.</summary>
    public string? ConsentSource { get; set; }
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
