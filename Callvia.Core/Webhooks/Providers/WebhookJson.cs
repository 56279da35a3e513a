using System.Text.Json;

namespace Callvia.Core.Webhooks.Providers;

internal static class WebhookJson
{
    /// <summary>The body as a JSON object, or the refusal naming why it is not one.</summary>
    public static bool TryParseObject(byte[] body, out JsonElement json, out WebhookClassification refusal)
    {
        refusal = null!;
        try
        {
            json = JsonSerializer.Deserialize<JsonElement>(body);
        }
        catch (JsonException)
        {
            json = default;
            refusal = WebhookClassification.Refuse("The body is not valid JSON.");
            return false;
        }
        if (json.ValueKind == JsonValueKind.Object) return true;
        refusal = WebhookClassification.Refuse("The body is not a JSON object.");
        return false;
    }
}
