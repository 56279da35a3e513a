using Callvia.Web;
using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Messaging;

namespace Callvia.Api.Messaging;

/// <summary>
/// <c>POST /api/messages/send</c> <c>{ leadId, channel: "sms"|"email", subject?, body }</c>, optional <c>Idempotency-Key</c>
/// header: 202 with the stored message; errors as problem details with <c>errors</c> per field. The rules are Core's
/// <see cref="ManualMessages"/>, the same as GraphQL's <c>sendMessage</c>.
/// </summary>
public static class MessageApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>An email body of <see cref="ManualMessages.MaxEmailLength"/> characters, JSON-escaped, fits.</summary>
    public const long MaxBodyBytes = 400 * 1024;

    public static void MapMessageApi(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/messages").WithTags("Messaging").MapPost("/send", SendAsync).AddEndpointFilter(RateLimitAsync)
            .WithBodyLimit(MaxBodyBytes);

    /// <summary>Sending costs money: the GraphQL endpoint's budgets (per IP, then per caller) count these requests too.</summary>
    private static async ValueTask<object?> RateLimitAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        var http = ctx.HttpContext;
        var limiter = http.RequestServices.GetRequiredService<Protection.ApiRateLimiter>();
        if ((await limiter.CheckIpAsync(http) ?? await limiter.CheckCallerAsync(http.User)) is not { } retry) return await next(ctx);
        http.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: 429, title: "Too many requests", detail: $"Rate limit reached; retry in {retry} s.");
    }

    public sealed record SendRequest(string? LeadId, string? Channel, string? Subject, string? Body);

    private static async Task<IResult> SendAsync(SendRequest? request, ManualMessages messages, HttpContext http)
    {
        var keys = http.Request.Headers[IdempotencyHeader];
        if (keys.Count > 1) return Problem(400, "Bad input", [("idempotencyKey", $"Send one {IdempotencyHeader} header.")]);
        if (request is null) return Problem(400, "Bad input", [("body", "A JSON body is required: { leadId, channel, subject?, body }.")]);
        Guid? leadId = request.LeadId is null ? null
            : Guid.TryParse(request.LeadId, out var g) ? g : GlobalId.Decode(request.LeadId, LeadGraphType.TypeName);
        if (request.LeadId is not null && leadId is null) return Problem(404, "Not found", [("leadId", "Not a lead id.")]);
        var (message, issues) = await messages.SendAsync(
            new ManualMessageInput(leadId, request.Channel, request.Subject, request.Body, keys.Count == 1 ? keys[0] : null), http.RequestAborted);
        if (message is not null) return TypedResults.Accepted((string?)null, View(message));
        var (status, title) = issues.Any(i => i.Code == "NOT_FOUND") ? (404, "Not found")
            : issues.Any(i => i.Code == ManualMessages.OptedOut) ? (409, "Opted out")
            : (400, "Bad input");
        return Problem(status, title, issues.Select(i => (i.Field, i.Message)).ToList());
    }

    private static IResult Problem(int status, string title, List<(string Field, string Message)> errors) =>
        TypedResults.Problem(statusCode: status, title: title, detail: string.Join(" ", errors.Select(e => e.Message)),
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            });

    /// <summary>The message as REST shows it: UUIDs, lower-case enum values.</summary>
    public static object View(Message m) => new
    {
        id = m.Id, leadId = m.LeadId, kind = m.Kind, channel = Lower(m.Channel), direction = Lower(m.Direction), status = Lower(m.Status),
        to = m.ToAddress, from = m.FromAddress, subject = m.Subject, body = m.Body, providerMessageId = m.ProviderMessageId, error = m.Error,
        createdAt = m.CreatedAt, sentAt = m.SentAt,
    };

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
