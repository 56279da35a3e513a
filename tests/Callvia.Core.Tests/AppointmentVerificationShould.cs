using Callvia.Core.Appointments;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>The client's answer (design.md "Show verification", step 1): when it may be given and what it decides.</summary>
public sealed class AppointmentVerificationShould
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

    private static Appointment Booked() => new() { ProviderBookingUid = "uid", StartsAt = Start, EndsAt = Start.AddMinutes(30) };

    [Theory]
    [InlineData(-1, true)]      // a tick before the start: nothing to verify yet
    [InlineData(0, false)]      // from the start on, the lead may have arrived
    [InlineData(60 * 24 * 9, false)] // long after: still the client's to answer
    public void Refuse_an_answer_before_the_appointment_starts(int minutesFromStart, bool refused)
    {
        var now = minutesFromStart < 0 ? Start.AddTicks(-1) : Start.AddMinutes(minutesFromStart);
        Assert.Equal(refused, AppointmentVerification.RefuseClientAnswer(Booked(), now) is not null);
    }

    [Fact]
    public void Refuse_an_answer_for_a_cancelled_appointment()
    {
        var a = Booked();
        a.Status = AppointmentStatus.Cancelled;
        Assert.Equal("id", AppointmentVerification.RefuseClientAnswer(a, Start.AddHours(1))?.Field);
    }

    [Fact]
    public void Decide_over_the_sweeps_outcome_and_accept_a_correction()
    {
        var a = Booked();
        (a.Status, a.VerificationSource, a.VerifiedAt) = (AppointmentStatus.NoShow, VerificationSource.None, Start.AddHours(48));

        Assert.True(AppointmentVerification.ApplyClientAnswer(a, showed: true, "came", Start.AddHours(50)));
        Assert.Equal((AppointmentStatus.Shown, VerificationSource.Client, true, Start.AddHours(50), Start.AddHours(50)),
            (a.Status, a.VerificationSource, a.ClientAnswer, a.ClientAnsweredAt, a.VerifiedAt));

        // the same answer again: nothing moves but the note
        Assert.False(AppointmentVerification.ApplyClientAnswer(a, showed: true, "confirmed", Start.AddHours(51)));
        Assert.Equal((Start.AddHours(50), "confirmed"), (a.VerifiedAt, a.ClientNote));

        // a correction decides again; null keeps the note, "" clears it
        Assert.True(AppointmentVerification.ApplyClientAnswer(a, showed: false, null, Start.AddHours(52)));
        Assert.Equal((AppointmentStatus.NoShow, false, Start.AddHours(52), "confirmed"), (a.Status, a.ClientAnswer, a.VerifiedAt, a.ClientNote));
        AppointmentVerification.ApplyClientAnswer(a, showed: false, "", Start.AddHours(53));
        Assert.Null(a.ClientNote);
    }
}
