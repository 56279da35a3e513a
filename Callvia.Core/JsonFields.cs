using System.Text.Json;

namespace Callvia.Core;

/// <summary>
/// Reading providers' JSON defensively: a missing or mistyped field is null, never an exception; text PostgreSQL cannot
/// store (a NUL, an unpaired surrogate, which a provider's transcript may carry) is kept readable with U+FFFD in its
/// place, since the event was accepted and must apply.
/// </summary>
public static class JsonFields
{
    public static string? Str(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) return null;
        if (Validation.JsonText.TryGetString(v, out var text))
            return text is null || Validation.TextInput.Problem(text.AsSpan()) is null ? text : Storable(text);
        // an escaped lone surrogate ("\ud800") System.Text.Json will not decode: its raw text, unescaped as far as it can be
        return Storable(System.Text.RegularExpressions.Regex.Unescape(v.GetRawText()[1..^1]));
    }

    private static string Storable(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '\0') chars[i] = '\uFFFD';
            else if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
            else if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }
}
