using Callvia.Api.Identity;
using Callvia.Api.Leads;
using Callvia.Core.Messaging;
using GraphQL;
using GraphQL.Types;

namespace Callvia.Api.Messaging;

public sealed class SmsLengthGraphType : ObjectGraphType<SmsLength>
{
    public SmsLengthGraphType()
    {
        Name = "SmsLength";
        Description = "How an SMS is billed by the carriers: GSM-7 (160 characters, 153 per part) or UCS-2 when any character is outside GSM-7 (70, 67 per part).";
        Field<NonNullGraphType<StringGraphType>>("encoding").Description("GSM_7 or UCS_2.")
            .Resolve(c => c.Source.Encoding == SmsEncoding.Gsm7 ? "GSM_7" : "UCS_2");
        Field<NonNullGraphType<IntGraphType>>("units").Description("Characters as the encoding counts them (GSM-7 extension characters count twice).").Resolve(c => c.Source.Units);
        Field<NonNullGraphType<IntGraphType>>("segments").Resolve(c => c.Source.Segments);
    }
}

public sealed class MessageTemplateGraphType : ObjectGraphType<TemplateText>
{
    public MessageTemplateGraphType()
    {
        Name = "MessageTemplate";
        Description = "The wording of one automated message kind on one channel: the client's own (custom) or the default.";
        Field<NonNullGraphType<StringGraphType>>("kind").Resolve(c => c.Source.Kind);
        Field<NonNullGraphType<MessageChannelGraphType>>("channel").Resolve(c => c.Source.Channel);
        Field<StringGraphType>("subject").Description("Email only.").Resolve(c => c.Source.Subject);
        Field<NonNullGraphType<StringGraphType>>("body").Description("With {{placeholders}}: see messagePlaceholders.").Resolve(c => c.Source.Body);
        Field<NonNullGraphType<BooleanGraphType>>("custom").Description("The client's wording (false: the default).").Resolve(c => c.Source.Custom);
        Field<NonNullGraphType<BooleanGraphType>>("enabled").Description("Whether this kind is sent at all (setMessageKindEnabled).").Resolve(c => c.Source.Enabled);
    }
}

public sealed record PlaceholderInfo(string Name, string Description);

public sealed class MessagePlaceholderGraphType : ObjectGraphType<PlaceholderInfo>
{
    public MessagePlaceholderGraphType()
    {
        Name = "MessagePlaceholder";
        Field<NonNullGraphType<StringGraphType>>("name").Description("Written {{name}} in a template.").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("description").Resolve(c => c.Source.Description);
    }
}

public sealed class MessagePreviewGraphType : ObjectGraphType<RenderedTemplate>
{
    public MessagePreviewGraphType()
    {
        Name = "MessagePreview";
        Field<StringGraphType>("subject").Resolve(c => c.Source.Subject);
        Field<NonNullGraphType<StringGraphType>>("body").Resolve(c => c.Source.Body);
        Field<SmsLengthGraphType>("sms").Description("SMS only: its encoding and parts.").Resolve(c => c.Source.Sms);
    }
}

public sealed record MessageTemplatePayload(TemplateText? Template, IReadOnlyList<UserError> Errors);

public sealed class MessageTemplatePayloadGraphType : ObjectGraphType<MessageTemplatePayload>
{
    public MessageTemplatePayloadGraphType()
    {
        Name = "MessageTemplatePayload";
        Field<MessageTemplateGraphType>("template").Resolve(c => c.Source.Template);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed record MessageTemplatesPayload(IReadOnlyList<TemplateText>? Templates, IReadOnlyList<UserError> Errors);

public sealed class MessageTemplatesPayloadGraphType : ObjectGraphType<MessageTemplatesPayload>
{
    public MessageTemplatesPayloadGraphType()
    {
        Name = "MessageTemplatesPayload";
        Field<ListGraphType<NonNullGraphType<MessageTemplateGraphType>>>("templates").Resolve(c => c.Source.Templates);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed record MessagePreviewPayload(RenderedTemplate? Preview, IReadOnlyList<UserError> Errors);

public sealed class MessagePreviewPayloadGraphType : ObjectGraphType<MessagePreviewPayload>
{
    public MessagePreviewPayloadGraphType()
    {
        Name = "MessagePreviewPayload";
        Field<MessagePreviewGraphType>("preview").Resolve(c => c.Source.Preview);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>
/// The client's message templates and switches: read by every caller of the client, changed by its admins (or the
/// agency). The rules are Core's <see cref="MessageTemplates"/>.
/// </summary>
public static class MessageTemplateFields
{
    public static void AddQuery(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MessageTemplateGraphType>>>>("messageTemplates")
            .Description("Every automated message kind on each of its channels, with the wording in use and whether the kind is on.")
            .ResolveAsync(async ctx =>
            {
                Callers.HostClient(ctx);
                return await Templates(ctx).ListAsync(ctx.CancellationToken);
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MessagePlaceholderGraphType>>>>("messagePlaceholders")
            .Description("The placeholders a template may use.")
            .Resolve(_ => MessageTemplates.Placeholders.Select(p => new PlaceholderInfo(p.Key, p.Value)).ToList());
        query.Field<NonNullGraphType<MessagePreviewPayloadGraphType>>("previewMessageTemplate")
            .Description("A template filled in with sample data (a lead named Alex, an appointment next Tuesday at 10:00 in the client's zone): "
                         + "the text given, else the wording in use; an SMS with its length in segments. Bad text comes back in errors.")
            .Argument<NonNullGraphType<StringGraphType>>("kind")
            .Argument<NonNullGraphType<MessageChannelGraphType>>("channel")
            .Argument<StringGraphType>("subject")
            .Argument<StringGraphType>("body")
            .ResolveAsync(async ctx =>
            {
                Callers.HostClient(ctx);
                var (preview, issues) = await Templates(ctx).PreviewAsync(ctx.GetArgument<string>("kind"), ctx.GetArgument<MessageChannel>("channel"),
                    ctx.GetArgument<string?>("subject"), ctx.GetArgument<string?>("body"), ctx.CancellationToken);
                return new MessagePreviewPayload(preview, Errors(issues));
            });
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MessageTemplatePayloadGraphType>>("updateMessageTemplate")
            .Description("Sets the client's wording of a kind on a channel; unknown placeholders, an empty body, a subject on an SMS are refused "
                         + "in errors and change nothing. Applies to every message of the kind not yet sent. Admins only; audited.")
            .Argument<NonNullGraphType<StringGraphType>>("kind")
            .Argument<NonNullGraphType<MessageChannelGraphType>>("channel")
            .Argument<StringGraphType>("subject")
            .Argument<NonNullGraphType<StringGraphType>>("body")
            .ResolveAsync(async ctx =>
            {
                Callers.HostClient(ctx);
                Callers.RequireAdmin(ctx, "change message templates");
                var (template, issues) = await Templates(ctx).UpdateAsync(ctx.GetArgument<string>("kind"), ctx.GetArgument<MessageChannel>("channel"),
                    ctx.GetArgument<string?>("subject"), ctx.GetArgument<string>("body"), ctx.CancellationToken);
                return new MessageTemplatePayload(template, Errors(issues));
            });
        mutation.Field<NonNullGraphType<MessageTemplatePayloadGraphType>>("resetMessageTemplate")
            .Description("Goes back to the default wording of a kind on a channel. Admins only; audited.")
            .Argument<NonNullGraphType<StringGraphType>>("kind")
            .Argument<NonNullGraphType<MessageChannelGraphType>>("channel")
            .ResolveAsync(async ctx =>
            {
                Callers.HostClient(ctx);
                Callers.RequireAdmin(ctx, "change message templates");
                var (template, issues) = await Templates(ctx).ResetAsync(ctx.GetArgument<string>("kind"), ctx.GetArgument<MessageChannel>("channel"), ctx.CancellationToken);
                return new MessageTemplatePayload(template, Errors(issues));
            });
        mutation.Field<NonNullGraphType<MessageTemplatesPayloadGraphType>>("setMessageKindEnabled")
            .Description("Turns a kind (reminder_24h, reminder_2h, reminder_15m, checkin, rebook_1..3) on or off: off, nothing of it is sent "
                         + "from now on (scheduled ones end CANCELLED when their time comes). Admins only; audited.")
            .Argument<NonNullGraphType<StringGraphType>>("kind")
            .Argument<NonNullGraphType<BooleanGraphType>>("enabled")
            .ResolveAsync(async ctx =>
            {
                Callers.HostClient(ctx);
                Callers.RequireAdmin(ctx, "turn message kinds on or off");
                var templates = Templates(ctx);
                var issues = await templates.SetEnabledAsync(ctx.GetArgument<string>("kind"), ctx.GetArgument<bool>("enabled"), ctx.CancellationToken);
                return new MessageTemplatesPayload(issues.Count == 0 ? await templates.ListAsync(ctx.CancellationToken) : null, Errors(issues));
            });
    }

    private static MessageTemplates Templates(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<MessageTemplates>();

    private static List<UserError> Errors(List<Core.Campaigns.FieldIssue> issues) => [.. issues.Select(i => new UserError(i.Field, i.Message, i.Code))];
}
