using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Appointments;
using GraphQL.Types;

namespace Callvia.Api.Appointments;

public sealed class AppointmentGraphType : ObjectGraphType<Appointment>
{
    public const string TypeName = "Appointment";

    public AppointmentGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        IsTypeOf = o => o is Appointment;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<LeadGraphType>("lead").Description("Null when the booking matched no lead.").Resolve(c => c.Source.LeadId is { } id ? Loaders.Lead(c, id) : null);
        Field<NonNullGraphType<StringGraphType>>("bookingUid").Resolve(c => c.Source.ProviderBookingUid);
        Field<StringGraphType>("rescheduledFromUid").Resolve(c => c.Source.RescheduledFromUid);
        Field<StringGraphType>("title").Resolve(c => c.Source.Title);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("startsAt").Resolve(c => c.Source.StartsAt);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("endsAt").Resolve(c => c.Source.EndsAt);
        Field<NonNullGraphType<EnumerationGraphType<AppointmentStatus>>>("status").Resolve(c => c.Source.Status);
        Field<StringGraphType>("attendeeName").Resolve(c => c.Source.AttendeeName);
        Field<StringGraphType>("attendeeEmail").Resolve(c => c.Source.AttendeeEmail);
        Field<StringGraphType>("attendeePhone").Resolve(c => c.Source.AttendeePhone);
        Field<StringGraphType>("location").Description("The booking's address or meeting link, as Cal.com sent it.").Resolve(c => c.Source.Location);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<Messaging.MessageGraphType>>>>("messages")
            .Description("The messages about this appointment (its reminders, check-in and rebook steps) in the order they are due, with their status: "
                         + "SCHEDULED, SENT, DELIVERED, FAILED or CANCELLED with the reason in error.")
            .Resolve(c => Loaders.AppointmentMessages(c, c.Source.Id));
        Field<BooleanGraphType>("clientAnswer").Resolve(c => c.Source.ClientAnswer);
        Field<StringGraphType>("clientNote").Description("The client's note with its answer.").Resolve(c => c.Source.ClientNote);
        Field<UtcDateTimeGraphType>("clientAnsweredAt").Resolve(c => c.Source.ClientAnsweredAt);
        Field<BooleanGraphType>("leadAnswer").Resolve(c => c.Source.LeadAnswer);
        Field<EnumerationGraphType<VerificationSource>>("verificationSource").Resolve(c => c.Source.VerificationSource);
        Field<UtcDateTimeGraphType>("verifiedAt").Resolve(c => c.Source.VerifiedAt);
        Field<StringGraphType>("verificationNote")
            .Description("The evidence of the rule that decided, in words: the client's answer, the lead's YES to the check-in, the call, or why it is a no-show.")
            .Resolve(c => c.Source.VerificationNote);
        Field<UtcDateTimeGraphType>("cancelledAt").Resolve(c => c.Source.CancelledAt);
        Field<NonNullGraphType<BooleanGraphType>>("simulated").Description("Booked by the sandbox simulator: no one booked, nothing is billed.").Resolve(c => c.Source.Simulated);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
    }
}
