using System.Security.Cryptography;

namespace Callvia.Core.Webhooks.Providers;

internal static class Hex
{
    /// <summary>A hex-encoded MAC against the expected bytes, in constant time; false for anything that is not hex of the right length.</summary>
    public static bool FixedTimeEquals(byte[] expected, string hex)
    {
        if (hex.Length != expected.Length * 2) return false;
        byte[] given;
        try { given = Convert.FromHexString(hex); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
