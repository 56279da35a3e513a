using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Campaigns;

/// <summary>A problem with one field of the input; nothing was changed.</summary>
public sealed record FieldIssue(string Field, string Message, string Code = "VALIDATION");

/// <summary>The fields a client sets on a campaign; null leaves a field as it is (on update).</summary>
/// <param name="RetryDelayMinutes">The earlier single delay: a one-step ladder (<paramref name="RetryLadderMinutes"/> wins when both are given).</param>
public sealed record CampaignInput(
    string? Name, string? Description, TimeOnly? CallWindowStart, TimeOnly? CallWindowEnd,
    int? MaxConcurrentCalls, int? MaxAttempts, int? RetryDelayMinutes, string? RetellAgentId, string? FromNumber,
    IReadOnlyCollection<DayOfWeek>? CallDays = null, IReadOnlyList<int>? RetryLadderMinutes = null, bool? RequiresConsent = null);

/// <summary>
/// The campaign rules, in one place: what a valid campaign is, and how its status may move
/// (draft → active; active ⇄ paused; anything → archived; archived is final). Works in the caller's tenant.
/// </summary>
public sealed class CampaignEditor(CallviaDbContext db, TimeProvider clock)
{
    public const int MaxLadderSteps = 10;

    public static bool CanMove(CampaignStatus from, CampaignStatus to) => (from, to) switch
    {
        _ when from == to => true,
        (CampaignStatus.Archived, _) => false,
        (_, CampaignStatus.Archived) => true,
        (CampaignStatus.Draft, CampaignStatus.Active) => true,
        (CampaignStatus.Active, CampaignStatus.Paused) => true,
        (CampaignStatus.Paused, CampaignStatus.Active) => true,
        _ => false,
    };

    public async Task<(Campaign? Campaign, List<FieldIssue> Issues)> CreateAsync(CampaignInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Name))
            return (null, [new FieldIssue("name", "A campaign needs a name.")]);
        var campaign = new Campaign { Name = input.Name.Trim() };
        var issues = Apply(campaign, input);
        if (issues.Count > 0) return (null, issues);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return (campaign, []);
    }

    public async Task<(Campaign? Campaign, List<FieldIssue> Issues)> UpdateAsync(Guid id, CampaignInput input, CancellationToken ct)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null) return (null, [new FieldIssue("id", "No such campaign.", "NOT_FOUND")]);
        if (campaign.Status == CampaignStatus.Archived) return (null, [new FieldIssue("id", "An archived campaign cannot be changed.")]);
        var issues = Apply(campaign, input);
        if (issues.Count > 0) return (null, issues);
        var wake = db.Entry(campaign).Properties.Any(p => p.IsModified && Dialer.DialerRules.Settings.Contains(p.Metadata.Name));
        await db.SaveChangesAsync(ct);
        if (wake) await Dialer.DialerRules.WakeAsync(db, campaign.Id, clock.GetUtcNow(), ct);
        return (campaign, []);
    }

    public async Task<(Campaign? Campaign, List<FieldIssue> Issues)> SetStatusAsync(Guid id, CampaignStatus status, CancellationToken ct)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null) return (null, [new FieldIssue("id", "No such campaign.", "NOT_FOUND")]);
        if (!CanMove(campaign.Status, status))
            return (null, [new FieldIssue("status", $"A {Name(campaign.Status)} campaign cannot become {Name(status)}.")]);
        campaign.Status = status;
        await db.SaveChangesAsync(ct);
        return (campaign, []);
    }

    private static string Name(CampaignStatus s) => s.ToString().ToLowerInvariant();

    private static List<FieldIssue> Apply(Campaign c, CampaignInput input)
    {
        var issues = new List<FieldIssue>();
        if (input.Name is { } name)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200) issues.Add(new("name", "The name must have 1 to 200 characters."));
            else c.Name = name.Trim();
        }
        if (input.Description is { Length: > 2000 }) issues.Add(new("description", "The description is over 2,000 characters."));
        else if (input.Description is not null) c.Description = input.Description.Length == 0 ? null : input.Description;
        var start = input.CallWindowStart ?? c.CallWindowStart;
        var end = input.CallWindowEnd ?? c.CallWindowEnd;
        if (start >= end) issues.Add(new("callWindowEnd", "The call window must end after it starts (lead's local time)."));
        else (c.CallWindowStart, c.CallWindowEnd) = (start, end);
        if (input.MaxConcurrentCalls is { } mcc) { if (mcc is < 1 or > 100) issues.Add(new("maxConcurrentCalls", "Between 1 and 100.")); else c.MaxConcurrentCalls = mcc; }
        if (input.MaxAttempts is { } ma) { if (ma is < 1 or > 10) issues.Add(new("maxAttempts", "Between 1 and 10.")); else c.MaxAttempts = ma; }
        if (input.RetryLadderMinutes is { } ladder)
        {
            if (ladder.Count is < 1 or > MaxLadderSteps) issues.Add(new("retryLadderMinutes", $"Give 1 to {MaxLadderSteps} steps."));
            else if (ladder.Any(m => m is < 5 or > 10_080)) issues.Add(new("retryLadderMinutes", "Each step is 5 to 10,080 minutes (a week)."));
            else c.RetryLadderMinutes = [.. ladder];
        }
        else if (input.RetryDelayMinutes is { } rd)
        {
            if (rd is < 5 or > 10_080) issues.Add(new("retryDelayMinutes", "Between 5 and 10,080 (a week)."));
            else c.RetryLadderMinutes = [rd];
        }
        if (input.CallDays is { } days)
        {
            if (days.Count == 0) issues.Add(new("callDays", "Choose at least one day."));
            else c.CallDays = Campaign.Mask(days);
        }
        if (input.RequiresConsent is { } consent) c.RequiresConsent = consent;
        if (input.RetellAgentId is { Length: > 128 }) issues.Add(new("retellAgentId", "Over 128 characters."));
        else if (input.RetellAgentId is not null) c.RetellAgentId = input.RetellAgentId.Length == 0 ? null : input.RetellAgentId;
        if (input.FromNumber is { Length: > 0 } from)
        {
            if (Leads.PhoneNumbers.ToE164(from, "US") is { } e164) c.FromNumber = e164;
            else issues.Add(new("fromNumber", "Not a phone number."));
        }
        return issues;
    }
}
