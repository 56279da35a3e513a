namespace Callvia.Core.Dialer;

/// <summary>The dialer's pace and leases (section <c>Dialer</c>).</summary>
public sealed class DialerOptions
{
    public const string Section = "Dialer";
    /// <summary>Whether this jobs-service instance runs the dialer at all.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>
    /// How often each instance looks for due leads and free slots (and so how soon a switch or a pause takes effect). A
    /// quarter second: a freed slot waits half of it on average, which on 2-second calls is most of a slot's idle time
    /// (bench/dialer.sh); a tick that finds no work is one indexed query.
    /// </summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromMilliseconds(250);
    /// <summary>
    /// The slot's lease while the create-phone-call is sent, and how long an attempt whose answer was lost waits for a
    /// webhook carrying it before it is reconciled as lost (well beyond Retell's 120 s time limit).
    /// </summary>
    public TimeSpan ReconcileWindow { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>The slot's lease once Retell took the call, renewed when it starts; the call's end webhook frees it sooner.</summary>
    public TimeSpan CallLease { get; set; } = TimeSpan.FromMinutes(60);
    /// <summary>First wait after Retell failed (5xx) or could not be reached; doubled per failure of the lead, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Leads read per query while filling a campaign's free slots.</summary>
    public int BatchSize { get; set; } = 200;
}
