using System.Text.Json;

namespace Callvia.Core;

/// <summary>Reading providers' JSON defensively: a missing or mistyped field is null, never an exception.</summary>
public static class JsonFields
{
    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
