using System.Net;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Callvia.Core.Messaging.Providers;

/// <summary>
/// SendGrid v3 <c>mail/send</c> through SendGrid's own SDK, on a typed HttpClient (so the resilience pipeline
/// and the configured base address apply). 202 with <c>X-Message-Id</c> is success; anything else a failure
/// with SendGrid's error messages (never the key).
/// </summary>
public sealed class SendGridMailer(HttpClient http, IOptions<SendGridOptions> options)
{
    public bool IsConfigured => options.Value.IsConfigured;
    public string? FromEmail => options.Value.FromEmail;

    public async Task<ProviderResult> SendAsync(string fromName, string to, string subject, string body,
        IReadOnlyDictionary<string, string> customArgs, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("SendGrid is not configured.");
        var client = new SendGridClient(http, new SendGridClientOptions { ApiKey = o.ApiKey, Host = o.BaseUrl.TrimEnd('/') });
        var message = MailHelper.CreateSingleEmail(new EmailAddress(o.FromEmail, fromName), new EmailAddress(to), subject, body, null);
        foreach (var (key, value) in customArgs) message.AddCustomArg(key, value);
        var response = await client.SendEmailAsync(message, ct);
        if (response.StatusCode == HttpStatusCode.Accepted)
            return ProviderResult.Ok(response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null);
        var text = await response.Body.ReadAsStringAsync(ct);
        return ProviderResult.Failed($"SendGrid answered {(int)response.StatusCode}: {Errors(text)}");
    }

    private static string Errors(string text)
    {
        try
        {
            var json = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(text);
            if (json.TryGetProperty("errors", out var errors) && errors.ValueKind == System.Text.Json.JsonValueKind.Array)
                return string.Join("; ", errors.EnumerateArray().Select(e =>
                    (e.TryGetProperty("message", out var m) ? m.GetString() : "?") + (e.TryGetProperty("field", out var f) && f.ValueKind == System.Text.Json.JsonValueKind.String ? $" ({f.GetString()})" : "")));
        }
        catch (System.Text.Json.JsonException) { }
        return "no error details";
    }
}
