using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Callvia.Core.Webhooks.Providers.MessageBird;

/// <summary>
/// MessageBird's <c>MessageBird-Signature-JWT</c> (contract §3): an HS256 JWT signed with the signing key,
/// <c>iss</c> = MessageBird, valid between <c>nbf</c> and <c>exp</c>, <c>url_hash</c> = SHA-256 of the full
/// request URL, <c>payload_hash</c> = SHA-256 of the raw body (present exactly when there is a body).
/// </summary>
public static class MessageBirdSignature
{
    private static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);

    public static bool Verify(string? jwt, string signingKey, string url, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(jwt)) return false;
        var parts = jwt.Split('.');
        if (parts.Length != 3) return false;
        try
        {
            using var header = JsonDocument.Parse(WebEncoders.Base64UrlDecode(parts[0]));
            if (header.RootElement.GetProperty("alg").GetString() != "HS256") return false;
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, WebEncoders.Base64UrlDecode(parts[2]))) return false;

            using var claims = JsonDocument.Parse(WebEncoders.Base64UrlDecode(parts[1]));
            var c = claims.RootElement;
            if (!c.TryGetProperty("iss", out var iss) || iss.GetString() != "MessageBird") return false;
            var nowSeconds = now.ToUnixTimeSeconds();
            if (!c.TryGetProperty("nbf", out var nbf) || nbf.GetInt64() > nowSeconds + (long)Leeway.TotalSeconds) return false;
            if (!c.TryGetProperty("exp", out var exp) || exp.GetInt64() < nowSeconds - (long)Leeway.TotalSeconds) return false;
            if (!c.TryGetProperty("url_hash", out var urlHash) || urlHash.GetString() != Sha256(Encoding.UTF8.GetBytes(url))) return false;
            var hasPayloadHash = c.TryGetProperty("payload_hash", out var payloadHash);
            if (body.Length == 0) return !hasPayloadHash;
            return hasPayloadHash && payloadHash.GetString() == Sha256(body);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Signs as MessageBird does, for tests and local tools.</summary>
    public static string Sign(string signingKey, string url, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var header = WebEncoders.Base64UrlEncode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8.ToArray());
        var claims = new Dictionary<string, object>
        {
            ["iss"] = "MessageBird", ["nbf"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(), ["url_hash"] = Sha256(Encoding.UTF8.GetBytes(url)),
        };
        if (body.Length > 0) claims["payload_hash"] = Sha256(body);
        var payload = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = WebEncoders.Base64UrlEncode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{signature}";
    }

    private static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
