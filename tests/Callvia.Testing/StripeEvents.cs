using System.Security.Cryptography;
using System.Text;

namespace Callvia.Testing;

/// <summary>Stripe invoice events as Stripe sends them, signed as the contract describes.</summary>
public static class StripeEvents
{
    public const string Secret = "whsec_test_for_callvia";

    public static string Invoice(string type, string invoiceId, string customer, string apiVersion = "2026-10-28.endive", string status = "open",
        long created = 1767610800, string metadata = "{}") =>
        $"{{\"id\":\"evt_{Guid.NewGuid():N}\",\"object\":\"event\",\"api_version\":\"{apiVersion}\",\"type\":\"{type}\",\"created\":{created},\"livemode\":false," +
        $"\"data\":{{\"object\":{{\"id\":\"{invoiceId}\",\"object\":\"invoice\",\"customer\":\"{customer}\",\"status\":\"{status}\",\"amount_due\":200000," +
        $"\"amount_paid\":{(type == "invoice.paid" ? 200000 : 0)},\"currency\":\"usd\",\"hosted_invoice_url\":\"https://invoice.stripe.com/i/x\",\"metadata\":{metadata}}}}}}}";

    public static string Sign(string body, DateTimeOffset at, string secret = Secret)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
