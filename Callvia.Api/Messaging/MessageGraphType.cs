using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Messaging;
using GraphQL.Types;

namespace Callvia.Api.Messaging;

public sealed class MessageGraphType : ObjectGraphType<Message>
{
    public const string TypeName = "Message";

    public MessageGraphType()
    {
        Name = TypeName;
        Description = "An SMS or email to or from a lead: reminders, sequences, manual messages, replies.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Message;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<LeadGraphType>("lead").Description("Null for a text from a number that is no lead's.")
            .Resolve(c => c.Source.LeadId is { } id ? Loaders.Lead(c, id) : null);
        Field<IdGraphType>("appointmentId").Description("The appointment a reminder or check-in is about.")
            .Resolve(c => c.Source.AppointmentId is { } id ? GlobalId.Encode(Appointments.AppointmentGraphType.TypeName, id) : null);
        Field<NonNullGraphType<StringGraphType>>("kind")
            .Description("manual, reminder_24h, reminder_2h, reminder_15m, checkin, rebook_1..3, opt_out_confirmation, inbound.").Resolve(c => c.Source.Kind);
        Field<NonNullGraphType<MessageChannelGraphType>>("channel").Resolve(c => c.Source.Channel);
        Field<NonNullGraphType<MessageDirectionGraphType>>("direction").Resolve(c => c.Source.Direction);
        Field<NonNullGraphType<MessageStatusGraphType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<StringGraphType>>("to").Description("E.164 number or email address.").Resolve(c => c.Source.ToAddress);
        Field<StringGraphType>("from").Resolve(c => c.Source.FromAddress);
        Field<StringGraphType>("subject").Resolve(c => c.Source.Subject);
        Field<NonNullGraphType<StringGraphType>>("body").Resolve(c => c.Source.Body);
        Field<UtcDateTimeGraphType>("scheduledFor").Resolve(c => c.Source.ScheduledFor);
        Field<UtcDateTimeGraphType>("sentAt").Description("When it was handed to the provider (or simulated, or received).").Resolve(c => c.Source.SentAt);
        Field<StringGraphType>("providerMessageId").Description("MessageBird's message id or SendGrid's X-Message-Id.").Resolve(c => c.Source.ProviderMessageId);
        Field<StringGraphType>("error").Description("Why it FAILED (the provider's answer, or an interrupted send) or was CANCELLED (the appointment moved or was cancelled, the lead opted out, the kind is off...).").Resolve(c => c.Source.Error);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("updatedAt").Resolve(c => c.Source.UpdatedAt);
    }
}

public sealed class MessageStatusGraphType : EnumerationGraphType<MessageStatus>
{
    public MessageStatusGraphType()
    {
        Name = "MessageStatus";
        Description = "SIMULATED: not sent because the provider has no credentials configured (nothing left the platform).";
    }
}

public sealed class MessageChannelGraphType : EnumerationGraphType<MessageChannel>
{
    public MessageChannelGraphType() => Name = "MessageChannel";
}

public sealed class MessageDirectionGraphType : EnumerationGraphType<MessageDirection>
{
    public MessageDirectionGraphType() => Name = "MessageDirection";
}

public sealed record MessageFilter(string? LeadId, MessageChannel? Channel, MessageStatus? Status, MessageDirection? Direction,
    DateTimeOffset? From, DateTimeOffset? To);

public sealed class MessageFilterInputType : InputObjectGraphType<MessageFilter>
{
    public MessageFilterInputType()
    {
        Name = "MessageFilter";
        Field<IdGraphType>("leadId");
        Field<MessageChannelGraphType>("channel");
        Field<MessageStatusGraphType>("status");
        Field<MessageDirectionGraphType>("direction");
        Field<UtcDateTimeGraphType>("from").Description("Created at or after.");
        Field<UtcDateTimeGraphType>("to").Description("Created before.");
    }
}

public sealed class SendMessageInputType : InputObjectGraphType
{
    public SendMessageInputType()
    {
        Name = "SendMessageInput";
        Field<NonNullGraphType<IdGraphType>>("leadId");
        Field<NonNullGraphType<MessageChannelGraphType>>("channel");
        Field<StringGraphType>("subject").Description("Email only; default \"A message from {client name}\".");
        Field<NonNullGraphType<StringGraphType>>("body").Description("SMS: at most 1,600 characters; email (plain text): at most 50,000.");
        Field<StringGraphType>("idempotencyKey").Description("Sending again with the same key returns the first message and sends nothing.");
    }
}

public sealed record MessagePayload(Message? Message, IReadOnlyList<UserError> Errors);

public sealed class MessagePayloadGraphType : ObjectGraphType<MessagePayload>
{
    public MessagePayloadGraphType()
    {
        Name = "MessagePayload";
        Field<MessageGraphType>("message").Resolve(c => c.Source.Message);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
