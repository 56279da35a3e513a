using Callvia.Core.Tenancy;

namespace Callvia.Core.Dialer;

/// <summary>Where an attempt is. Dialing, Placed and Unconfirmed hold a call slot until their lease ends.</summary>
public enum DialState
{
    /// <summary>Claimed: the create-phone-call is being sent (a crash here leaves it to the reconciliation sweep).</summary>
    Dialing,
    /// <summary>Retell took the call (its id is known); ends with the call_ended webhook.</summary>
    Placed,
    /// <summary>The create-phone-call's answer was lost: the call may exist. Reconciled by a webhook carrying the attempt, else by the sweep.</summary>
    Unconfirmed,
    /// <summary>The call ended (call_ended): the slot is free, the lead's next step is set.</summary>
    Ended,
    /// <summary>Retell certainly did not place it (429, 5xx, refused, not reached): it does not count as an attempt.</summary>
    NotPlaced,
    /// <summary>No webhook came within the lease: whether a call happened is unknown; it counts as an attempt, the lead goes on by the ladder.</summary>
    Lost,
}

/// <summary>
/// One call attempt of the dialer: claimed in the same transaction that counts the call slots, so the campaign's and
/// the client's limits hold across jobs-service instances; holds its slot until the call's end webhook, or its lease.
/// </summary>
public class DialAttempt : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid CampaignId { get; set; }
    public Guid LeadId { get; set; }
    /// <summary>The lead's attempt number (1 for the first call).</summary>
    public int Number { get; set; }
    public required string PhoneE164 { get; set; }
    public DialState State { get; set; } = DialState.Dialing;
    public string? ProviderCallId { get; set; }
    /// <summary>The slot is the attempt's until then (extended when the call starts); past it, the slot is free again.</summary>
    public DateTimeOffset LeaseUntil { get; set; }
    /// <summary>The call's outcome, else its disconnection reason.</summary>
    public string? Outcome { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PlacedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Placed with the sandbox simulator (<see cref="RetellOptions.Simulated"/>): no one was called.</summary>
    public bool Simulated { get; set; }

    public static readonly DialState[] Active = [DialState.Dialing, DialState.Placed, DialState.Unconfirmed];

    /// <summary><see cref="Active"/> as SQL, for the partial indexes and raw queries (and the same text in Data/Sql/11_dialer.sql).</summary>
    public static readonly string ActiveFilter =
        $"state IN ({string.Join(", ", Active.Select(s => $"'{Data.SnakeCaseEnum<DialState>.ToDb(s)}'"))})";
}

/// <summary>A platform-wide setting, the agency's alone (the dialer's kill switch: <see cref="DialerStopKey"/>).</summary>
public class PlatformSetting
{
    public const string DialerStopKey = "dialer.stopped";
    public required string Key { get; set; }
    public required string Value { get; set; }
    public string? UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
