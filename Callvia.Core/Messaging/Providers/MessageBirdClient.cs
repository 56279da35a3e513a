using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Callvia.Core.Messaging.Providers;

/// <summary>
/// MessageBird's legacy REST SMS API (<c>POST /messages</c>, <c>Authorization: AccessKey …</c>, 201 with the
/// message object), through a typed HttpClient whose base address is configuration. Never throws for a
/// provider answer: the outcome (with MessageBird's own error text, never the key) comes back as a result.
/// </summary>
public sealed class MessageBirdClient(HttpClient http, IOptions<MessageBirdOptions> options)
{
    public bool IsConfigured => options.Value.IsConfigured;
    public string? Originator => options.Value.Originator;

    public async Task<ProviderResult> SendSmsAsync(string toE164, string body, string reference, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("MessageBird is not configured.");
        // numbers travel as digits without '+' (the official client sends them as JSON numbers)
        var recipient = long.Parse(toE164.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture);
        var originator = o.Originator!.StartsWith('+') ? o.Originator[1..] : o.Originator;
        using var request = new HttpRequestMessage(HttpMethod.Post, "messages")
        {
            Content = JsonContent.Create(new { originator, recipients = new[] { recipient }, body, reference }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("AccessKey", o.AccessKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.Created && Json(text) is { } created
            && created.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } messageId)
            return ProviderResult.Ok(messageId);
        return ProviderResult.Failed($"MessageBird answered {(int)response.StatusCode}: {Errors(text)}");
    }

    private static string Errors(string text) =>
        Json(text) is { } e && e.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? string.Join("; ", errors.EnumerateArray().Select(x =>
                $"{(x.TryGetProperty("code", out var c) ? c.ToString() : "?")} {(x.TryGetProperty("description", out var d) ? d.GetString() : "")}"
                + (x.TryGetProperty("parameter", out var p) && p.ValueKind == JsonValueKind.String ? $" ({p.GetString()})" : "")))
            : "no error details";

    private static JsonElement? Json(string text)
    {
        try { return string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<JsonElement>(text); }
        catch (JsonException) { return null; }
    }
}
