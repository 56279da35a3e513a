using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Appointments;
using GraphQL;
using GraphQL.Types;

namespace Callvia.Api.Appointments;

public sealed record AppointmentPayload(Appointment? Appointment, IReadOnlyList<UserError> Errors);

public sealed class AppointmentPayloadGraphType : ObjectGraphType<AppointmentPayload>
{
    public AppointmentPayloadGraphType()
    {
        Name = "AppointmentPayload";
        Field<AppointmentGraphType>("appointment").Resolve(c => c.Source.Appointment);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary><c>verifyAppointment</c>: the rule is <see cref="AppointmentVerification"/>'s; this maps ids and errors.</summary>
public static class AppointmentMutations
{
    public static void Add(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<AppointmentPayloadGraphType>>("verifyAppointment")
            .Description("The client's answer: did the lead show up? It decides (SHOWN or NO_SHOW); a later answer corrects an earlier one.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<BooleanGraphType>>("showed")
            .Argument<StringGraphType>("note", $"At most {AppointmentVerification.MaxNote} characters; \"\" clears an earlier note.")
            .ResolveAsync(async ctx =>
            {
                if (GlobalId.Decode(ctx.GetArgument<string>("id"), AppointmentGraphType.TypeName) is not { } id)
                    return new AppointmentPayload(null, [new UserError("id", "Not an appointment id.", "NOT_FOUND")]);
                var result = await ctx.RequestServices!.GetRequiredService<AppointmentVerification>()
                    .RecordClientAnswerAsync(id, ctx.GetArgument<bool>("showed"), ctx.GetArgument<string?>("note"), ctx.CancellationToken);
                return new AppointmentPayload(result.Appointment, result.Issues.Select(i => new UserError(i.Field, i.Message, i.Code)).ToList());
            });
}
