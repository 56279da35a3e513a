using Callvia.Api.GraphQL;
using Callvia.Api.Identity;
using Callvia.Core.Webhooks;
using GraphQL;
using GraphQL.Types;

namespace Callvia.Api.Webhooks;

/// <summary>A stored webhook event as the agency sees it (never its payload: it may carry a lead's data).</summary>
public sealed class WebhookEventGraphType : ObjectGraphType<WebhookEventView>
{
    public const string TypeName = "WebhookEvent";

    public WebhookEventGraphType()
    {
        Name = TypeName;
        Description = "A provider's webhook as stored in the inbox (agency admins only).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<IdGraphType>("clientId").Description("The client it was routed to; null for a Stripe event of a customer nobody owns.")
            .Resolve(c => c.Source.ClientId is { } id ? GlobalId.Encode("Client", id) : null);
        Field<NonNullGraphType<StringGraphType>>("provider").Resolve(c => c.Source.Provider);
        Field<NonNullGraphType<StringGraphType>>("eventType").Resolve(c => c.Source.EventType);
        Field<NonNullGraphType<StringGraphType>>("providerEventKey").Resolve(c => c.Source.ProviderEventKey);
        Field<NonNullGraphType<StringGraphType>>("status").Resolve(c => Core.Data.SnakeCaseEnum<EventStatus>.ToDb(c.Source.Status).ToUpperInvariant());
        Field<NonNullGraphType<IntGraphType>>("attempts").Resolve(c => c.Source.Attempts);
        Field<StringGraphType>("error").Description("Why its last attempt failed.").Resolve(c => c.Source.Error);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("receivedAt").Resolve(c => c.Source.ReceivedAt);
        Field<UtcDateTimeGraphType>("processedAt").Resolve(c => c.Source.ProcessedAt);
    }
}

public sealed class WebhookEventStateGraphType : EnumerationGraphType
{
    public WebhookEventStateGraphType()
    {
        Name = "WebhookEventState";
        Add("FAILED", "failed", "Ended failed (it cannot be applied, or kept failing); replay it after a fix.");
        Add("STUCK", "stuck", $"Not processed {WebhookEventAdmin.StuckAfter.TotalMinutes:0} minutes after it came.");
    }
}

/// <summary><c>webhookEvents</c> and <c>replayWebhookEvents</c>: the agency's view of events that went wrong.</summary>
public static class WebhookEventFields
{
    public static void AddQueries(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookEventGraphType>>>>("webhookEvents")
            .Description("Agency admins only: webhook events that failed or are stuck, newest first, across clients (audited).")
            .Argument<NonNullGraphType<WebhookEventStateGraphType>>("state")
            .Argument<StringGraphType>("provider", "retell, calcom, stripe or messagebird.")
            .Argument<IntGraphType>("first", "1–100, default 20.")
            .Argument<UtcDateTimeGraphType>("receivedBefore", "The next page: the receivedAt of the last event of this one.")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAgency(ctx, "list webhook events");
                var first = ctx.GetArgument("first", 20);
                if (first is < 1 or > 100) throw new ExecutionError("'first' must be 1 to 100.") { Code = "VALIDATION" };
                var provider = ctx.GetArgument<string?>("provider");
                if (provider is not null && !WebhookProviders.Handled.Contains(provider))
                    throw new ExecutionError($"'provider' must be one of {string.Join(", ", WebhookProviders.Handled)}.") { Code = "VALIDATION" };
                return await ctx.RequestServices!.GetRequiredService<WebhookEventAdmin>().ListAsync(
                    ctx.GetArgument<string>("state") == "stuck", provider, first, ctx.GetArgument<DateTimeOffset?>("receivedBefore"),
                    ctx.CancellationToken);
            });

    public static void AddMutations(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("replayWebhookEvents")
            .Description("Agency admins only: puts failed (or stuck) events back to be applied again, e.g. after a fix; answers the ids replayed. Processed events are left alone.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("ids")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAgency(ctx, "replay webhook events");
                var raw = ctx.GetArgument<List<string>>("ids");
                if (raw.Count is 0 or > 1000) throw new ExecutionError("'ids' must name 1 to 1,000 events.") { Code = "VALIDATION" };
                var ids = raw.Select(r => GlobalId.Decode(r, WebhookEventGraphType.TypeName)
                    ?? throw new ExecutionError($"'{r}' is not a webhook event id.") { Code = "VALIDATION" }).ToList();
                var replayed = await ctx.RequestServices!.GetRequiredService<WebhookEventAdmin>().ReplayAsync(ids, ctx.CancellationToken);
                return replayed.Select(id => GlobalId.Encode(WebhookEventGraphType.TypeName, id)).ToList();
            });
}
