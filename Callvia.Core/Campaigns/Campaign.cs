using Callvia.Core.Tenancy;

namespace Callvia.Core.Campaigns;

public enum CampaignStatus { Draft, Active, Paused, Archived }

public class Campaign : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public CampaignStatus Status { get; set; } = CampaignStatus.Draft;
    /// <summary>Calling window in the lead's local time (default 08:00–21:00).</summary>
    public TimeOnly CallWindowStart { get; set; } = new(8, 0);
    public TimeOnly CallWindowEnd { get; set; } = new(21, 0);
    public int MaxConcurrentCalls { get; set; } = 5;
    public int MaxAttempts { get; set; } = 3;
    /// <summary>The days calls may be made, in the lead's local calendar: bit n is <see cref="DayOfWeek"/> n (default Monday to Saturday).</summary>
    public int CallDays { get; set; } = DefaultCallDays;
    /// <summary>Minutes before each retry of an unanswered lead: the n-th retry waits the n-th step, later ones the last.</summary>
    public int[] RetryLadderMinutes { get; set; } = [.. DefaultRetryLadderMinutes];
    /// <summary>Calls only leads with recorded consent (AI-voice calls need prior express written consent in the US). On by default.</summary>
    public bool RequiresConsent { get; set; } = true;

    public const int DefaultCallDays = 0b111_1110;
    public static readonly IReadOnlyList<int> DefaultRetryLadderMinutes = [60, 240, 1440];

    public IReadOnlySet<DayOfWeek> AllowedDays => Days(CallDays);

    public static IReadOnlySet<DayOfWeek> Days(int mask) => Enum.GetValues<DayOfWeek>().Where(d => (mask & (1 << (int)d)) != 0).ToHashSet();

    public static int Mask(IEnumerable<DayOfWeek> days) => days.Aggregate(0, (m, d) => m | (1 << (int)d));
    public string? RetellAgentId { get; set; }
    public string? FromNumber { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
