using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Callvia.Core.Webhooks;

/// <summary>The providers' signature algorithms, exactly as in shared/contracts, over the raw body bytes.</summary>
public static partial class WebhookSignatures
{
    public static readonly TimeSpan RetellTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Retell: <c>x-retell-signature: v=&lt;ms&gt;,d=&lt;hex&gt;</c>, HMAC-SHA256(api key, body + v), 5-minute window.</summary>
    public static bool VerifyRetell(ReadOnlySpan<byte> body, string? header, string apiKey, DateTimeOffset now)
    {
        if (header is null) return false;
        var match = RetellHeader().Match(header);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            return false;
        if (Math.Abs(now.ToUnixTimeMilliseconds() - v) > (long)RetellTolerance.TotalMilliseconds)
            return false;
        var message = new byte[body.Length + match.Groups[1].Value.Length];
        body.CopyTo(message);
        Encoding.ASCII.GetBytes(match.Groups[1].Value, message.AsSpan(body.Length));
        return HexEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiKey), message), match.Groups[2].Value);
    }

    /// <summary>Cal.com: <c>X-Cal-Signature-256: &lt;hex&gt;</c> = HMAC-SHA256(secret, body); "no-secret-provided" is refused.</summary>
    public static bool VerifyCalcom(ReadOnlySpan<byte> body, string? header, string secret)
    {
        if (string.IsNullOrEmpty(header) || header == "no-secret-provided") return false;
        return HexEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), header);
    }

    public static string SignRetell(ReadOnlySpan<byte> body, string apiKey, long timestampMs)
    {
        var v = timestampMs.ToString(CultureInfo.InvariantCulture);
        var message = new byte[body.Length + v.Length];
        body.CopyTo(message);
        Encoding.ASCII.GetBytes(v, message.AsSpan(body.Length));
        return $"v={v},d={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiKey), message))}";
    }

    public static string SignCalcom(ReadOnlySpan<byte> body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static bool HexEquals(byte[] expected, string hex)
    {
        if (hex.Length != expected.Length * 2) return false;
        byte[] given;
        try { given = Convert.FromHexString(hex); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    [GeneratedRegex("^v=(\\d{1,16}),d=([0-9a-fA-F]+)$")]
    private static partial Regex RetellHeader();
}
