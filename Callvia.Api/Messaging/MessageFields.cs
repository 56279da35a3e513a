using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Messaging;

/// <summary><c>messages</c>, <c>Lead.messages</c> and <c>sendMessage</c>; the sending rules are Core's <see cref="ManualMessages"/>.</summary>
public static class MessageFields
{
    public const int MaxPerLead = 50;

    public static void AddQuery(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ConnectionGraphType<MessageGraphType, Message>>>("messages")
            .Description("The client's messages, newest first; filters combine with AND.")
            .Arguments(Paging.Arguments())
            .Argument<MessageFilterInputType>("filter")
            .ResolveAsync(async ctx =>
            {
                var messages = ctx.RequestServices!.GetRequiredService<CallviaDbContext>().Messages.AsNoTracking();
                if (ctx.GetArgument<MessageFilter?>("filter") is { } f)
                {
                    if (f.LeadId is not null)
                    {
                        var lead = GlobalId.Decode(f.LeadId, LeadGraphType.TypeName)
                                   ?? throw new ExecutionError("'leadId' is not a Lead id.") { Code = "VALIDATION" };
                        messages = messages.Where(m => m.LeadId == lead);
                    }
                    if (f.Channel is { } channel) messages = messages.Where(m => m.Channel == channel);
                    if (f.Status is { } status) messages = messages.Where(m => m.Status == status);
                    if (f.Direction is { } direction) messages = messages.Where(m => m.Direction == direction);
                    var (from, to) = (f.From?.ToUniversalTime(), f.To?.ToUniversalTime());
                    if (from >= to) throw new ExecutionError("'from' must be before 'to'.") { Code = "VALIDATION" };
                    if (from is { } start) messages = messages.Where(m => m.CreatedAt >= start);
                    if (to is { } end) messages = messages.Where(m => m.CreatedAt < end);
                }
                return await NewestFirst.PageAsync(ctx, "message", messages, m => m.CreatedAt, m => m.Id);
            });

    /// <summary>
    /// <c>Lead.messages(first)</c>: the lead's latest messages, newest first, a bounded list (the full history pages
    /// through <c>messages(filter: { leadId })</c>). Batched: one statement for every lead of the page.
    /// </summary>
    public static void AddLeadMessages(ObjectGraphType<Lead> lead) =>
        lead.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MessageGraphType>>>>("messages")
            .Description($"The lead's latest messages, newest first (at most {MaxPerLead}; page through Query.messages for more).")
            .Argument<IntGraphType>("first", $"How many, 1 to {MaxPerLead} (default 10).")
            .Resolve(ctx =>
            {
                var first = ctx.GetArgument<int?>("first") ?? 10;
                if (first is < 1 or > MaxPerLead) throw new ExecutionError($"'first' must be between 1 and {MaxPerLead}.") { Code = "VALIDATION" };
                var services = ctx.RequestServices!;
                return services.GetRequiredService<RequestLoaders>().Get<Guid, List<Message>>($"leadMessages:{first}",
                    (ids, ct) => LatestAsync(services.GetRequiredService<CallviaDbContext>(), ids, first, ct)).Load(ctx.Source.Id);
            });

    /// <summary>Up to <paramref name="first"/> latest messages of each lead, in one statement; every lead gets a list.</summary>
    private static async Task<Dictionary<Guid, List<Message>>> LatestAsync(CallviaDbContext db, IReadOnlyCollection<Guid> ids, int first, CancellationToken ct)
    {
        var rows = await db.Messages.FromSql($"""
            SELECT m.* FROM unnest({ids.ToArray()}) AS l(id)
            CROSS JOIN LATERAL (SELECT * FROM messages WHERE lead_id = l.id ORDER BY created_at DESC, id DESC LIMIT {first}) m
            """).AsNoTracking().ToListAsync(ct);
        var byLead = rows.ToLookup(m => m.LeadId!.Value);
        return ids.ToDictionary(id => id, id => byLead[id].OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).ToList());
    }

    public static void AddMutations(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<MessagePayloadGraphType>>("sendMessage")
            .Description("Sends an SMS or email to one of the client's leads now (refused for a lead who opted out). "
                         + "The answer carries the stored message: SENT, FAILED (with the provider's error) or SIMULATED (no provider configured).")
            .Argument<NonNullGraphType<SendMessageInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var raw = ctx.GetArgument<Dictionary<string, object?>>("input");
                var leadRaw = raw.GetValueOrDefault("leadId") as string;
                var leadId = GlobalId.Decode(leadRaw, LeadGraphType.TypeName) ?? (Guid.TryParse(leadRaw, out var g) ? g : null);
                if (leadId is null) return new MessagePayload(null, [new UserError("leadId", "Not a lead id.", "NOT_FOUND")]);
                var channel = raw.GetValueOrDefault("channel") switch { MessageChannel.Sms => "sms", MessageChannel.Email => "email", _ => null };
                var (message, issues) = await ctx.RequestServices!.GetRequiredService<ManualMessages>().SendAsync(new ManualMessageInput(
                    leadId, channel, raw.GetValueOrDefault("subject") as string, raw.GetValueOrDefault("body") as string,
                    raw.GetValueOrDefault("idempotencyKey") as string), ctx.CancellationToken);
                return new MessagePayload(message, issues.Select(i => new UserError(i.Field, i.Message, i.Code)).ToList());
            });
}
