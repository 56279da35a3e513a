using Callvia.Core.Tenancy;

namespace Callvia.Core.Appointments;

public enum AppointmentStatus { Booked, Cancelled, Shown, NoShow }
public enum VerificationSource { Client, Lead, Call, None }

/// <summary>A Cal.com booking, keyed by its <c>uid</c>. An unmatched booking keeps a null lead.</summary>
public class Appointment : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid? LeadId { get; set; }
    public Guid? CampaignId { get; set; }
    public required string ProviderBookingUid { get; set; }
    public string? RescheduledFromUid { get; set; }
    public string? Title { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public AppointmentStatus Status { get; set; } = AppointmentStatus.Booked;
    public string? AttendeeName { get; set; }
    public string? AttendeeEmail { get; set; }
    public string? AttendeePhone { get; set; }
    public string? AttendeeTimeZone { get; set; }
    /// <summary>Where it takes place: the booking's location (an address, a phone number) or its meeting link.</summary>
    public string? Location { get; set; }
    public bool? ClientAnswer { get; set; }
    public string? ClientNote { get; set; }
    public DateTimeOffset? ClientAnsweredAt { get; set; }
    public bool? LeadAnswer { get; set; }
    public DateTimeOffset? LeadAnsweredAt { get; set; }
    public VerificationSource? VerificationSource { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    /// <summary>Who decided: the client's person or application that answered, or the 48-hour rule.</summary>
    public string? VerifiedBy { get; set; }
    /// <summary>The evidence of the rule that decided, in words (the client's answer, the lead's reply, the call), for the billing evidence.</summary>
    public string? VerificationNote { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    /// <summary>
    /// When the booking was made (the BOOKING_CREATED or BOOKING_RESCHEDULED that made it), also when that event came
    /// after the booking's cancellation: the lead of a booking that was ever made is booked, in whatever order the
    /// events arrive. Null for a booking known only from a cancellation (or as a reschedule's original) so far.
    /// </summary>
    public DateTimeOffset? BookedAt { get; set; }
    /// <summary>Booked by the sandbox simulator (sandbox mode only): no one booked, nothing is billed.</summary>
    public bool Simulated { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
