using Callvia.Core.Tenancy;

namespace Callvia.Core.Calls;

public enum CallStatus { Registered, Ongoing, Ended, Error }

/// <summary>One Retell call, upserted by <see cref="ProviderCallId"/> from its webhooks in any order.</summary>
public class CallLog : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid? CampaignId { get; set; }
    public Guid? LeadId { get; set; }
    public required string ProviderCallId { get; set; }
    public CallStatus Status { get; set; } = CallStatus.Registered;
    public string Direction { get; set; } = "outbound";
    public string? FromNumber { get; set; }
    public string? ToNumber { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int? DurationSeconds { get; set; }
    public string? DisconnectionReason { get; set; }
    public string? Transcript { get; set; }
    public string? RecordingUrl { get; set; }
    public string? Summary { get; set; }
    public string? Sentiment { get; set; }
    public string? Outcome { get; set; }
    /// <summary>A call the sandbox simulator played (its dialer attempt was simulated): no one was called, nothing is billed.</summary>
    public bool Simulated { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// A connected call: the lead picked up (Retell reports a start) or the call lasted. The lead becomes contacted;
    /// contact rate and reach count it. Its SQL twin is <c>call_connected</c> (Data/Sql/03_rules.sql), which the
    /// rollups and KPI queries use; CallRulesShould holds the two to the same answers.
    /// </summary>
    public static bool IsConnected(DateTimeOffset? startedAt, int? durationSeconds) => startedAt is not null || durationSeconds > 0;
}
