using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Callvia.Core.Webhooks.Providers.Retell;

/// <summary>
/// Retell's signature (contracts/retell.md): <c>x-retell-signature: v=&lt;ms&gt;,d=&lt;hex&gt;</c>,
/// HMAC-SHA256(api key, body + v) over the raw body bytes, 5-minute window.
/// </summary>
public static partial class RetellSignature
{
    public const string Header = "x-retell-signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static bool Verify(ReadOnlySpan<byte> body, string? header, string apiKey, DateTimeOffset now)
    {
        if (header is null) return false;
        var match = HeaderPattern().Match(header);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            return false;
        if (Math.Abs(now.ToUnixTimeMilliseconds() - v) > (long)Tolerance.TotalMilliseconds)
            return false;
        return Hex.FixedTimeEquals(Mac(body, match.Groups[1].Value, apiKey), match.Groups[2].Value);
    }

    public static string Sign(ReadOnlySpan<byte> body, string apiKey, long timestampMs)
    {
        var v = timestampMs.ToString(CultureInfo.InvariantCulture);
        return $"v={v},d={Convert.ToHexStringLower(Mac(body, v, apiKey))}";
    }

    private static byte[] Mac(ReadOnlySpan<byte> body, string v, string apiKey)
    {
        var message = new byte[body.Length + v.Length];
        body.CopyTo(message);
        Encoding.ASCII.GetBytes(v, message.AsSpan(body.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiKey), message);
    }

    [GeneratedRegex("^v=(\\d{1,16}),d=([0-9a-fA-F]+)$")]
    private static partial Regex HeaderPattern();
}
