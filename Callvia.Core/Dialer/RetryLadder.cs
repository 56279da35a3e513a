namespace Callvia.Core.Dialer;

/// <summary>What happens to a lead after a call attempt.</summary>
public enum AttemptNext { RetryAt, CallbackAt, Final, BadNumber, AttemptsUsed }

public sealed record AttemptDecision(AttemptNext Next, DateTimeOffset? At, string Reason);

/// <summary>
/// Retries by outcome, in one place: no answer, busy and voicemail are tried again after the campaign's delay ladder
/// (the n-th retry waits the n-th step; past the last step, the last step again) until the campaign's attempt limit;
/// a number that cannot be reached (invalid destination, dial failed) is not tried again and is marked; a lead who
/// asked not to be called, or is not interested, or booked, is done; a callback asked for at a time is called then.
/// Whether "then" is inside the calling window is <see cref="CallingWindow"/>'s to say when it is due.
/// </summary>
public static class RetryLadder
{
    public static readonly IReadOnlyList<TimeSpan> DefaultSteps = [TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromDays(1)];
    /// <summary>A callback time further ahead than this is not taken as asked (an agent's misheard year): it is a callback without a time.</summary>
    public static readonly TimeSpan MaxCallbackAhead = TimeSpan.FromDays(30);

    private static readonly HashSet<string> Unanswered = ["dial_no_answer", "dial_busy", "voicemail_reached", "no_answer", "busy", "voicemail"];
    private static readonly HashSet<string> Unreachable = ["invalid_destination", "dial_failed", "invalid_number", "unreachable"];
    private static readonly HashSet<string> Done = ["appointment_set", "not_interested", "dnc", "do_not_call", "booked"];

    /// <param name="outcome">The call's analyzed outcome, else its disconnection reason (Retell's names).</param>
    /// <param name="attempts">Attempts made so far, this one included.</param>
    public static AttemptDecision Decide(string? outcome, int attempts, int maxAttempts, IReadOnlyList<TimeSpan> steps, DateTimeOffset endedAt,
        DateTimeOffset? callbackAt = null)
    {
        var o = outcome?.Trim().ToLowerInvariant() ?? "";
        if (Done.Contains(o)) return new(AttemptNext.Final, null, $"Done: {o.Replace('_', ' ')}.");
        if (Unreachable.Contains(o)) return new(AttemptNext.BadNumber, null, DialerRules.Unreachable);
        if (o == "callback_requested")
            return callbackAt is { } at && at > endedAt && at <= endedAt + MaxCallbackAhead
                ? new(AttemptNext.CallbackAt, at, "The lead asked to be called back then.")
                : attempts < maxAttempts
                    ? new(AttemptNext.RetryAt, endedAt + Step(steps, attempts), "The lead asked for a callback without a time: the next step of the ladder.")
                    : new(AttemptNext.AttemptsUsed, null, "A callback was asked for, but the campaign's attempts are used.");
        if (attempts >= maxAttempts) return new(AttemptNext.AttemptsUsed, null, $"All {maxAttempts} attempts used.");
        // unanswered, and any other end (a hang-up, an error): the ladder
        return new(AttemptNext.RetryAt, endedAt + Step(steps, attempts), Unanswered.Contains(o) ? "Not answered: tried again later." : "Tried again later.");
    }

    private static TimeSpan Step(IReadOnlyList<TimeSpan> steps, int attempts) =>
        steps.Count == 0 ? DefaultSteps[0] : steps[Math.Clamp(attempts - 1, 0, steps.Count - 1)];
}
