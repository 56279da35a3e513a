using Callvia.Core.Messaging;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>When an appointment's reminders go out (<see cref="ReminderSchedule"/>): pure rules, times in UTC, zones by IANA name.</summary>
public sealed class ReminderScheduleShould
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    /// <summary>A local wall-clock time in <paramref name="zone"/>, as a UTC instant.</summary>
    private static DateTimeOffset Local(TimeZoneInfo zone, int y, int mo, int d, int h, int mi = 0) =>
        new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(y, mo, d, h, mi, 0, DateTimeKind.Unspecified), zone), TimeSpan.Zero);

    private static string[] Describe(IEnumerable<PlannedReminder> plan, TimeZoneInfo zone) =>
        [.. plan.Select(p => $"{p.Kind}/{p.Channel} {TimeZoneInfo.ConvertTime(p.SendAt, zone):yyyy-MM-dd HH:mm}")];

    [Fact]
    public void Send_the_three_reminders_before_an_afternoon_appointment_in_the_leads_zone()
    {
        var start = Local(NewYork, 2026, 12, 10, 15);
        var plan = ReminderSchedule.Plan(start, NewYork, now: Local(NewYork, 2026, 12, 1, 9));
        Assert.Equal(
            ["reminder_24h/Sms 2026-12-09 15:00", "reminder_24h/Email 2026-12-09 15:00", "reminder_2h/Sms 2026-12-10 13:00", "reminder_15m/Sms 2026-12-10 14:45"],
            Describe(plan, NewYork));
        Assert.All(plan, p => Assert.Equal(TimeSpan.Zero, p.SendAt.Offset)); // UTC inside
        Assert.Equal(new DateTimeOffset(2026, 12, 10, 19, 45, 0, TimeSpan.Zero), plan[^1].SendAt);
    }

    [Fact]
    public void Count_24_hours_as_elapsed_time_across_a_dst_change()
    {
        // the day clocks spring forward in New York (2026-03-08, 02:00): 24 hours before 10:00 EDT is 09:00 EST the day before
        var start = Local(NewYork, 2026, 3, 8, 10);
        var plan = ReminderSchedule.Plan(start, NewYork, now: Local(NewYork, 2026, 3, 1, 9));
        Assert.Equal("reminder_24h/Sms 2026-03-07 09:00", Describe(plan, NewYork)[0]);
        Assert.Equal(TimeSpan.FromHours(24), start - plan[0].SendAt);
        // and the day they fall back (2026-11-01, 02:00): 24 hours before 10:00 EST is 11:00 EDT the day before
        var autumn = Local(NewYork, 2026, 11, 1, 10);
        Assert.Equal("reminder_24h/Sms 2026-10-31 11:00", Describe(ReminderSchedule.Plan(autumn, NewYork, Local(NewYork, 2026, 10, 1, 9)), NewYork)[0]);
    }

    [Fact]
    public void Skip_the_reminders_whose_time_passed_before_a_late_booking()
    {
        var start = Local(Tokyo, 2026, 12, 10, 15);
        Assert.Equal(["reminder_2h/Sms 2026-12-10 13:00", "reminder_15m/Sms 2026-12-10 14:45"],
            Describe(ReminderSchedule.Plan(start, Tokyo, now: Local(Tokyo, 2026, 12, 10, 12)), Tokyo));
        Assert.Equal(["reminder_15m/Sms 2026-12-10 14:45"], Describe(ReminderSchedule.Plan(start, Tokyo, now: Local(Tokyo, 2026, 12, 10, 13, 1)), Tokyo));
        Assert.Empty(ReminderSchedule.Plan(start, Tokyo, now: Local(Tokyo, 2026, 12, 10, 14, 50)));
        Assert.Empty(ReminderSchedule.Plan(start, Tokyo, now: start.AddHours(1))); // never after the start
    }

    [Fact]
    public void Move_an_sms_out_of_quiet_hours_or_drop_it_when_that_is_too_late()
    {
        // 08:30: the 2 h text (06:30) waits for 08:00, before the 15 min one
        Assert.Equal(
            ["reminder_24h/Sms 2026-12-09 08:30", "reminder_24h/Email 2026-12-09 08:30", "reminder_2h/Sms 2026-12-10 08:00", "reminder_15m/Sms 2026-12-10 08:15"],
            Describe(ReminderSchedule.Plan(Local(NewYork, 2026, 12, 10, 8, 30), NewYork, Local(NewYork, 2026, 12, 1, 9)), NewYork));
        // 07:00: the day-before text moves to 08:00; the 2 h and 15 min texts would come after the start: not sent; the email keeps its time
        Assert.Equal(["reminder_24h/Email 2026-12-09 07:00", "reminder_24h/Sms 2026-12-09 08:00"],
            Describe(ReminderSchedule.Plan(Local(NewYork, 2026, 12, 10, 7), NewYork, Local(NewYork, 2026, 12, 1, 9)), NewYork));
        // 22:00: the day-before text (22:00) moves to that morning's 08:00; the 15 min text (21:45) is dropped
        Assert.Equal(["reminder_24h/Email 2026-12-09 22:00", "reminder_24h/Sms 2026-12-10 08:00", "reminder_2h/Sms 2026-12-10 20:00"],
            Describe(ReminderSchedule.Plan(Local(NewYork, 2026, 12, 10, 22), NewYork, Local(NewYork, 2026, 12, 1, 9)), NewYork));
        // 08:10: both the 2 h (06:10) and the 15 min (07:55) texts would go at 08:00: one text, the later kind
        Assert.Equal(["reminder_24h/Sms 2026-12-09 08:10", "reminder_24h/Email 2026-12-09 08:10", "reminder_15m/Sms 2026-12-10 08:00"],
            Describe(ReminderSchedule.Plan(Local(NewYork, 2026, 12, 10, 8, 10), NewYork, Local(NewYork, 2026, 12, 1, 9)), NewYork));
        // 21:00 is quiet, 20:59 and 08:00 are not
        Assert.True(ReminderSchedule.InQuietHours(Local(NewYork, 2026, 12, 10, 21), NewYork));
        Assert.False(ReminderSchedule.InQuietHours(Local(NewYork, 2026, 12, 10, 20, 59), NewYork));
        Assert.False(ReminderSchedule.InQuietHours(Local(NewYork, 2026, 12, 10, 8), NewYork));
        Assert.True(ReminderSchedule.InQuietHours(Local(NewYork, 2026, 12, 10, 7, 59), NewYork));
    }

    [Fact]
    public void Plan_only_the_kinds_the_client_has_on()
    {
        var plan = ReminderSchedule.Plan(Local(NewYork, 2026, 12, 10, 15), NewYork, Local(NewYork, 2026, 12, 1, 9),
            new HashSet<string> { MessageKinds.Reminder2h });
        Assert.Equal(["reminder_2h/Sms 2026-12-10 13:00"], Describe(plan, NewYork));
        // with the 15 min text off, an 08:10 appointment's 2 h text is sent at 08:00 after all
        var early = ReminderSchedule.Plan(Local(NewYork, 2026, 12, 10, 8, 10), NewYork, Local(NewYork, 2026, 12, 1, 9),
            new HashSet<string> { MessageKinds.Reminder2h });
        Assert.Equal(["reminder_2h/Sms 2026-12-10 08:00"], Describe(early, NewYork));
    }
}
