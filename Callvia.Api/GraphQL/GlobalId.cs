using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Callvia.Api.GraphQL;

/// <summary>Opaque GraphQL ids: base64url of "Type:uuid", so <c>node(id)</c> knows what to load.</summary>
public static class GlobalId
{
    public static string Encode(string type, Guid id) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{type}:{id:N}"));

    public static bool TryDecode(string? value, out string type, out Guid id)
    {
        type = ""; id = Guid.Empty;
        if (string.IsNullOrEmpty(value) || value.Length > 128) return false;
        try
        {
            var text = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(value));
            var colon = text.IndexOf(':');
            if (colon <= 0 || !Guid.TryParseExact(text[(colon + 1)..], "N", out id)) return false;
            type = text[..colon];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The uuid of an id of the expected type, or null (a wrong type is as good as unknown).</summary>
    public static Guid? Decode(string? value, string expectedType) =>
        TryDecode(value, out var type, out var id) && type == expectedType ? id : null;
}
