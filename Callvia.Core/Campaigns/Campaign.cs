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
    public int RetryDelayMinutes { get; set; } = 240;
    public string? RetellAgentId { get; set; }
    public string? FromNumber { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
