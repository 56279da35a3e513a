using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Callvia.Testing.Fakes;

/// <summary>
/// MessageBird's legacy SMS API (contracts/messagebird.md): <c>POST /messages</c> with <c>Authorization: AccessKey {key}</c>
/// and JSON <c>{ originator, recipients: [digits], body, reference? }</c>; answers 201 with the message object,
/// 401 (code 2) for a wrong key, 422 (code 9/10) for a bad body, like the real one.
/// </summary>
public sealed class FakeMessageBird : FakeProviderServer
{
    public string AccessKey { get; private init; } = "live_" + Guid.NewGuid().ToString("N");

    /// <param name="port">0: a free port (tests); the benchmark gives its own.</param>
    /// <param name="key">The key it accepts; null: a random one.</param>
    public static async Task<FakeMessageBird> StartNewAsync(int port = 0, string? key = null)
    {
        var fake = key is null ? new FakeMessageBird() : new FakeMessageBird { AccessKey = key };
        await fake.StartAsync(port);
        return fake;
    }

    protected override int SuccessStatus => 201;

    protected override void Map(WebApplication app) => app.MapPost("/messages", async (HttpContext http) =>
    {
        var id = Guid.NewGuid().ToString("N");
        var (body, forced) = await ReceiveAsync(http, raw => Check(http, raw));
        if (forced is not null) return forced;
        var json = Parse(body)!.Value;
        return Results.Json(new
        {
            id, href = $"https://rest.messagebird.com/messages/{id}", direction = "mt", type = "sms",
            originator = json.GetProperty("originator").GetString(), body = json.GetProperty("body").GetString(),
            reference = json.TryGetProperty("reference", out var r) ? r.GetString() : null, createdDatetime = DateTimeOffset.UtcNow,
            recipients = new
            {
                totalCount = 1, totalSentCount = 1, totalDeliveredCount = 0, totalDeliveryFailedCount = 0,
                items = json.GetProperty("recipients").EnumerateArray().Select(x => new { recipient = x.ToString(), status = "sent", messagePartCount = 1 }),
            },
        }, statusCode: 201);
    });

    private IResult? Check(HttpContext http, string raw)
    {
        if (http.Request.Headers.Authorization.ToString() != "AccessKey " + AccessKey)
            return Error(401, 2, "Request not allowed (incorrect access_key)", "access_key");
        if (http.Request.ContentType?.StartsWith("application/json") != true || Parse(raw) is not { ValueKind: JsonValueKind.Object } json)
            return Error(422, 10, "Request body is not JSON", null);
        if (!json.TryGetProperty("originator", out var o) || o.GetString() is not { Length: > 0 } originator
            || originator.StartsWith('+') || (!originator.All(char.IsAsciiDigit) && originator.Length > 11))
            return Error(422, 9, "originator is required (digits without '+', or at most 11 characters)", "originator");
        if (!json.TryGetProperty("recipients", out var r) || r.ValueKind != JsonValueKind.Array || r.GetArrayLength() == 0
            || r.EnumerateArray().Any(x => x.ValueKind is not (JsonValueKind.Number or JsonValueKind.String) || !x.ToString().All(char.IsAsciiDigit)))
            return Error(422, 9, "no (correct) recipients found", "recipients");
        if (!json.TryGetProperty("body", out var b) || b.GetString() is not { Length: > 0 })
            return Error(422, 9, "body is required", "body");
        return null;
    }

    public static IResult Error(int status, int code, string description, string? parameter) =>
        Results.Json(new { errors = new[] { new { code, description, parameter } } }, statusCode: status);

    /// <summary>A MessageBird error body, for <see cref="FakeProviderServer.FailNext"/>.</summary>
    public static string ErrorBody(int code, string description) =>
        JsonSerializer.Serialize(new { errors = new[] { new { code, description, parameter = (string?)null } } });
}
