namespace Callvia.Core.Appointments;

/// <summary>The ways a client looks at its appointments.</summary>
public enum AppointmentView { Upcoming, ToVerify, Shown, NoShow, Cancelled, All }

/// <summary>
/// Which appointments each view holds, one rule for every list: upcoming (booked, not started yet), to verify (booked,
/// started, no outcome yet: what <see cref="AppointmentVerification.RefuseClientAnswer"/> lets the client answer and the
/// 48-hour sweep will decide otherwise), shown, no-show, cancelled, or all. Soonest first for what is ahead, latest
/// start first for the past.
/// </summary>
public static class AppointmentViews
{
    public static IQueryable<Appointment> Apply(IQueryable<Appointment> appointments, AppointmentView view, DateTimeOffset now) => view switch
    {
        AppointmentView.Upcoming => appointments.Where(a => a.Status == AppointmentStatus.Booked && a.StartsAt > now),
        AppointmentView.ToVerify => appointments.Where(a => a.Status == AppointmentStatus.Booked && a.StartsAt <= now),
        AppointmentView.Shown => appointments.Where(a => a.Status == AppointmentStatus.Shown),
        AppointmentView.NoShow => appointments.Where(a => a.Status == AppointmentStatus.NoShow),
        AppointmentView.Cancelled => appointments.Where(a => a.Status == AppointmentStatus.Cancelled),
        _ => appointments,
    };

    public static IOrderedQueryable<Appointment> Order(IQueryable<Appointment> appointments, AppointmentView view) =>
        view is AppointmentView.Upcoming or AppointmentView.ToVerify
            ? appointments.OrderBy(a => a.StartsAt).ThenBy(a => a.Id)
            : appointments.OrderByDescending(a => a.StartsAt).ThenByDescending(a => a.Id);
}
