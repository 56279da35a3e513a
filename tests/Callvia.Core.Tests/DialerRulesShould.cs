using Callvia.Core.Dialer;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>The dialer's rules: the calling window in the lead's zone across DST and states, and the retry ladder.</summary>
public sealed class DialerRulesShould
{
    private static readonly IReadOnlySet<DayOfWeek> EveryDay = Enum.GetValues<DayOfWeek>().ToHashSet();
    private static readonly IReadOnlySet<DayOfWeek> Weekdays = new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
    private static readonly TimeOnly Eight = new(8, 0), Nine = new(21, 0);

    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    // New York, standard time (UTC-5): 08:00 local is 13:00 UTC, 21:00 local is 02:00 UTC the next day
    [InlineData("2026-01-14T12:59:00", "America/New_York", false, "2026-01-14T13:00:00")]
    [InlineData("2026-01-14T13:00:00", "America/New_York", true, null)]
    [InlineData("2026-01-15T01:59:00", "America/New_York", true, null)]
    [InlineData("2026-01-15T02:00:00", "America/New_York", false, "2026-01-15T13:00:00")]
    // the Monday after the spring change (Mar 8, 2026): 08:00 EDT is 12:00 UTC
    [InlineData("2026-03-09T11:59:00", "America/New_York", false, "2026-03-09T12:00:00")]
    // the day of the change itself: the window's hours stay local
    [InlineData("2026-03-08T12:00:00", "America/New_York", true, null)]
    // the fall change (Nov 1, 2026): before it 08:00 EDT = 12:00 UTC, the day of it 08:00 EST = 13:00 UTC
    [InlineData("2026-10-31T12:30:00", "America/New_York", true, null)]
    [InlineData("2026-11-01T12:30:00", "America/New_York", false, "2026-11-01T13:00:00")]
    // Honolulu keeps UTC-10 all year; Phoenix UTC-7 all year; Chicago's 21:00 in summer is 02:00 UTC
    [InlineData("2026-07-01T18:00:00", "Pacific/Honolulu", true, null)]
    [InlineData("2026-07-01T17:59:00", "Pacific/Honolulu", false, "2026-07-01T18:00:00")]
    [InlineData("2026-07-01T15:00:00", "America/Phoenix", true, null)]
    [InlineData("2026-07-02T02:00:00", "America/Chicago", false, "2026-07-02T13:00:00")]
    public void Open_only_between_eight_and_nine_in_the_leads_own_zone(string now, string zone, bool open, string? next)
    {
        var verdict = CallingWindow.Evaluate(Utc(now), zone, Eight, Nine, EveryDay, state: null);
        Assert.Equal(open, verdict.Open);
        Assert.Equal(next is null ? null : Utc(next), verdict.NextOpening);
    }

    [Fact]
    public void Narrow_the_federal_hours_by_the_campaigns_window_and_weekdays_never_widen_them()
    {
        // a campaign that asks for 06:00-23:00 still gets 08:00-21:00
        var early = CallingWindow.Evaluate(Utc("2026-01-14T12:00:00"), "America/New_York", new(6, 0), new(23, 0), EveryDay, null);
        Assert.Equal(Utc("2026-01-14T13:00:00"), early.NextOpening);
        // 10:00-16:00 on weekdays: on Friday after 16:00 the next opening is Monday 10:00
        var friday = CallingWindow.Evaluate(Utc("2026-01-16T21:30:00"), "America/New_York", new(10, 0), new(16, 0), Weekdays, null);
        Assert.False(friday.Open);
        Assert.Equal(Utc("2026-01-19T15:00:00"), friday.NextOpening);
        // no allowed day at all: closed, and never opens
        var none = CallingWindow.Evaluate(Utc("2026-01-16T15:00:00"), "America/New_York", Eight, Nine, new HashSet<DayOfWeek>(), null);
        Assert.False(none.Open);
        Assert.Null(none.NextOpening);
    }

    [Theory]
    [InlineData("+13055550100", "FL")]
    [InlineData("+14055550100", "OK")]
    [InlineData("+14105550100", "MD")]
    [InlineData("+12065550100", "WA")]
    [InlineData("+12055550100", "AL")]
    [InlineData("+15045550100", "LA")]
    [InlineData("+16015550100", "MS")]
    [InlineData("+12125550100", null)]
    [InlineData("+442079460000", null)]
    public void Read_the_state_with_stricter_rules_from_the_numbers_area_code(string number, string? state) =>
        Assert.Equal(state, StateCallingRules.ForNumber(number)?.State);

    [Fact]
    public void End_at_eight_in_florida_and_keep_to_three_calls_a_day()
    {
        var florida = StateCallingRules.ForNumber("+13055550100");
        // 20:30 in Miami (EST, UTC-5) is 01:30 UTC: allowed federally, not in Florida
        Assert.True(CallingWindow.Evaluate(Utc("2026-01-15T01:30:00"), "America/New_York", Eight, Nine, EveryDay, null).Open);
        var late = CallingWindow.Evaluate(Utc("2026-01-15T01:30:00"), "America/New_York", Eight, Nine, EveryDay, florida);
        Assert.False(late.Open);
        Assert.Equal(Utc("2026-01-15T13:00:00"), late.NextOpening);

        // three calls in the last 24 hours: closed until the oldest of them is 24 hours old
        var now = Utc("2026-01-15T18:00:00");
        DateTimeOffset[] calls = [Utc("2026-01-14T19:00:00"), Utc("2026-01-15T14:00:00"), Utc("2026-01-15T16:00:00")];
        var limited = CallingWindow.Evaluate(now, "America/New_York", Eight, Nine, EveryDay, florida, calls);
        Assert.False(limited.Open);
        Assert.Equal(Utc("2026-01-15T19:00:00"), limited.NextOpening);
        Assert.Contains("3 calls", limited.Reason);
        // two: open; the same three in New York: open (no such limit)
        Assert.True(CallingWindow.Evaluate(now, "America/New_York", Eight, Nine, EveryDay, florida, calls[1..]).Open);
        Assert.True(CallingWindow.Evaluate(now, "America/New_York", Eight, Nine, EveryDay, null, calls).Open);
        // the limit lifts at 19:30 that evening, still inside Florida's window: it opens then
        DateTimeOffset[] evening = [Utc("2026-01-15T00:30:00"), Utc("2026-01-15T14:00:00"), Utc("2026-01-15T15:00:00")];
        var next = CallingWindow.Evaluate(Utc("2026-01-15T16:00:00"), "America/New_York", Eight, Nine, EveryDay, florida, evening);
        Assert.Equal(Utc("2026-01-16T00:30:00"), next.NextOpening);
    }

    [Fact]
    public void Skip_sundays_in_alabama_louisiana_and_mississippi()
    {
        var alabama = StateCallingRules.ForNumber("+12055550100");
        // Sunday Jan 18, 2026, 12:00 in Birmingham (CST, UTC-6) = 18:00 UTC
        var sunday = CallingWindow.Evaluate(Utc("2026-01-18T18:00:00"), "America/Chicago", Eight, Nine, EveryDay, alabama);
        Assert.False(sunday.Open);
        Assert.Equal(Utc("2026-01-19T14:00:00"), sunday.NextOpening); // Monday 08:00 CST
        Assert.True(CallingWindow.Evaluate(Utc("2026-01-18T18:00:00"), "America/Chicago", Eight, Nine, EveryDay, null).Open);
        // a campaign that calls only on Sundays never opens there
        var onlySundays = CallingWindow.Evaluate(Utc("2026-01-18T18:00:00"), "America/Chicago", Eight, Nine, new HashSet<DayOfWeek> { DayOfWeek.Sunday }, alabama);
        Assert.Null(onlySundays.NextOpening);
        Assert.Contains("Sundays", onlySundays.Reason);
    }

    [Fact]
    public void Start_a_window_whose_local_time_a_dst_change_skips_at_the_first_instant_that_exists()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        // 02:30 on Mar 8, 2026 does not exist in New York: 03:00 EDT (07:00 UTC) is the first instant after it
        Assert.Equal(Utc("2026-03-08T07:00:00"), CallingWindow.Instant(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), zone));
        // 01:30 on Nov 1, 2026 happens twice: the first, EDT (05:30 UTC)
        Assert.Equal(Utc("2026-11-01T05:30:00"), CallingWindow.Instant(new DateOnly(2026, 11, 1), new TimeOnly(1, 30), zone));
    }

    [Theory]
    [InlineData("dial_no_answer", 1, AttemptNext.RetryAt, 1.0)]
    [InlineData("voicemail_reached", 2, AttemptNext.RetryAt, 4.0)]
    [InlineData("dial_busy", 4, AttemptNext.AttemptsUsed, null)] // attempt limit 4 reached
    [InlineData("dial_no_answer", 3, AttemptNext.RetryAt, 24.0)]
    [InlineData("invalid_destination", 1, AttemptNext.BadNumber, null)]
    [InlineData("dial_failed", 1, AttemptNext.BadNumber, null)]
    [InlineData("not_interested", 1, AttemptNext.Final, null)]
    [InlineData("appointment_set", 1, AttemptNext.Final, null)]
    [InlineData("user_hangup", 1, AttemptNext.RetryAt, 1.0)]
    public void Retry_unanswered_calls_on_the_ladder_and_stop_on_final_or_unreachable_outcomes(string outcome, int attempts, AttemptNext next, double? hoursLater)
    {
        var ended = Utc("2026-01-15T15:00:00");
        var decision = RetryLadder.Decide(outcome, attempts, maxAttempts: 4, RetryLadder.DefaultSteps, ended);
        Assert.Equal(next, decision.Next);
        Assert.Equal(hoursLater is { } h ? ended.AddHours(h) : null, decision.At);
    }

    [Fact]
    public void Call_back_at_the_time_asked_for()
    {
        var ended = Utc("2026-01-15T15:00:00");
        var asked = Utc("2026-01-16T20:00:00");
        Assert.Equal((AttemptNext.CallbackAt, asked), Pair(RetryLadder.Decide("callback_requested", 1, 3, RetryLadder.DefaultSteps, ended, asked)));
        // a time in the past, or none: the ladder's next step
        Assert.Equal((AttemptNext.RetryAt, ended.AddHours(1)), Pair(RetryLadder.Decide("callback_requested", 1, 3, RetryLadder.DefaultSteps, ended, ended.AddHours(-1))));
        // a time further ahead than 30 days is not taken as asked: the ladder's next step instead
        Assert.Equal((AttemptNext.RetryAt, ended.AddHours(1)), Pair(RetryLadder.Decide("callback_requested", 1, 3, RetryLadder.DefaultSteps, ended, ended.AddDays(31))));
        Assert.Equal(AttemptNext.CallbackAt, RetryLadder.Decide("callback_requested", 1, 3, RetryLadder.DefaultSteps, ended, ended.AddDays(30)).Next);
        static (AttemptNext, DateTimeOffset?) Pair(AttemptDecision d) => (d.Next, d.At);
    }
}
