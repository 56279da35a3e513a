using System.Security.Cryptography;
using System.Text;

namespace Callvia.Core.Webhooks.Providers.Calcom;

/// <summary>
/// Cal.com's signature (contracts/calcom.md): <c>X-Cal-Signature-256: &lt;hex&gt;</c> = HMAC-SHA256(secret, raw body);
/// the "no-secret-provided" placeholder Cal.com sends for a webhook without a secret is refused.
/// </summary>
public static class CalcomSignature
{
    public const string Header = "X-Cal-Signature-256";

    public static bool Verify(ReadOnlySpan<byte> body, string? header, string secret)
    {
        if (string.IsNullOrEmpty(header) || header == "no-secret-provided") return false;
        return Hex.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), header);
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
