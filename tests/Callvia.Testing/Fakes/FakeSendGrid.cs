using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Callvia.Testing.Fakes;

/// <summary>
/// SendGrid's v3 mail send (contracts/sendgrid.md): <c>POST /v3/mail/send</c> with <c>Authorization: Bearer {key}</c> and
/// the JSON mail (from, personalizations[].to, a subject, content with text/plain before text/html); answers 202
/// with an empty body and <c>X-Message-Id</c>, 401 for a wrong key, 400 with <c>errors</c> for a bad mail.
/// </summary>
public sealed class FakeSendGrid : FakeProviderServer
{
    public string ApiKey { get; private init; } = "SG." + Guid.NewGuid().ToString("N");

    /// <param name="port">0: a free port (tests); the benchmark gives its own.</param>
    /// <param name="key">The key it accepts; null: a random one.</param>
    public static async Task<FakeSendGrid> StartNewAsync(int port = 0, string? key = null)
    {
        var fake = key is null ? new FakeSendGrid() : new FakeSendGrid { ApiKey = key };
        await fake.StartAsync(port);
        return fake;
    }

    protected override int SuccessStatus => 202;

    protected override void Map(WebApplication app) => app.MapPost("/v3/mail/send", async (HttpContext http) =>
    {
        var (_, forced) = await ReceiveAsync(http, raw => Check(http, raw));
        if (forced is not null) return forced;
        http.Response.Headers["X-Message-Id"] = "sg" + Guid.NewGuid().ToString("N")[..20];
        return Results.StatusCode(202);
    });

    private IResult? Check(HttpContext http, string raw)
    {
        if (http.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
            return Error(401, "The provided authorization grant is invalid, expired, or revoked", null);
        if (http.Request.ContentType?.StartsWith("application/json") != true || Parse(raw) is not { ValueKind: JsonValueKind.Object } json)
            return Error(400, "Bad Request", null);
        if (!json.TryGetProperty("from", out var from) || !from.TryGetProperty("email", out var fe) || fe.GetString() is not { Length: > 0 })
            return Error(400, "The from object must be provided for every email send.", "from");
        if (!json.TryGetProperty("personalizations", out var ps) || ps.ValueKind != JsonValueKind.Array || ps.GetArrayLength() == 0
            || ps.EnumerateArray().Any(p => !p.TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.Array || to.GetArrayLength() == 0
                                            || to.EnumerateArray().Any(t => !t.TryGetProperty("email", out var e) || e.GetString() is not { Length: > 0 })))
            return Error(400, "The personalizations field is required and must have at least one personalization with a to address.", "personalizations");
        var topSubject = json.TryGetProperty("subject", out var s) && s.GetString() is { Length: > 0 };
        if (!topSubject && ps.EnumerateArray().Any(p => !p.TryGetProperty("subject", out var ps2) || ps2.GetString() is not { Length: > 0 }))
            return Error(400, "The subject is required. You can get around this requirement if you use a template with a subject defined.", "subject");
        if (!json.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0
            || content.EnumerateArray().Any(c => !c.TryGetProperty("type", out _) || !c.TryGetProperty("value", out var v) || v.GetString() is not { Length: > 0 }))
            return Error(400, "Unless a valid template_id is provided, the content parameter is required.", "content");
        var types = content.EnumerateArray().Select(c => c.GetProperty("type").GetString()).ToList();
        if (types.IndexOf("text/html") is >= 0 and var html && types.IndexOf("text/plain") is var plain && plain > html)
            return Error(400, "If present, text/plain content must be first, followed by text/html.", "content");
        return null;
    }

    public static IResult Error(int status, string message, string? field) =>
        Results.Json(new { errors = new[] { new { message, field, help = (string?)null } } }, statusCode: status);

    /// <summary>A SendGrid error body, for <see cref="FakeProviderServer.FailNext"/>.</summary>
    public static string ErrorBody(string message) =>
        JsonSerializer.Serialize(new { errors = new[] { new { message, field = (string?)null, help = (string?)null } } });
}
