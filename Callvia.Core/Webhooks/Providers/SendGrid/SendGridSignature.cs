using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Callvia.Core.Webhooks.Providers.SendGrid;

/// <summary>
/// SendGrid's Signed Event Webhook (contracts/sendgrid.md): ECDSA P-256 with SHA-256 over the UTF-8 bytes of the
/// timestamp header followed by the raw body (its trailing CRLF included), the signature base64 DER, the client's
/// verification key a base64 SubjectPublicKeyInfo. SendGrid publishes no replay window: ours is <see cref="Tolerance"/>.
/// </summary>
public static class SendGridSignature
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(10);

    public static bool Verify(byte[] body, string? signature, string? timestamp, string verificationKey, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds)
            return false;
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(Convert.FromBase64String(verificationKey.Trim()), out _);
            var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + body.Length];
            var n = Encoding.UTF8.GetBytes(timestamp, signed);
            body.CopyTo(signed, n);
            return ec.VerifyData(signed, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false; // a key or signature that is not base64 / not a P-256 key: not verified
        }
    }
}
