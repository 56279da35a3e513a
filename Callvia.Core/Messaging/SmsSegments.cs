namespace Callvia.Core.Messaging;

public enum SmsEncoding { Gsm7, Ucs2 }

/// <summary>An SMS body's length as the network counts it: its encoding, its units (GSM-7 septets or UTF-16 code units) and segments.</summary>
public sealed record SmsLength(SmsEncoding Encoding, int Units, int Segments);

/// <summary>
/// How many segments an SMS takes (3GPP TS 23.038): a body entirely in the GSM 03.38 default alphabet is GSM-7, 160
/// septets in one segment or 153 per segment when concatenated, the extension table's characters (<c>^{}\[~]|€</c> and form
/// feed) counting two; any other character makes the whole body UCS-2, 70 code units in one segment or 67 per segment.
/// </summary>
public static class SmsSegments
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string Extension = "\f^{}\\[~]|€";
    private static readonly HashSet<char> BasicSet = [.. Basic], ExtensionSet = [.. Extension];

    public static SmsLength Measure(string body)
    {
        var septets = 0;
        foreach (var c in body)
        {
            if (BasicSet.Contains(c)) septets++;
            else if (ExtensionSet.Contains(c)) septets += 2;
            else return Ucs2(body);
        }
        return new SmsLength(SmsEncoding.Gsm7, septets, septets == 0 ? 0 : septets <= 160 ? 1 : (septets + 152) / 153);
    }

    private static SmsLength Ucs2(string body) =>
        new(SmsEncoding.Ucs2, body.Length, body.Length <= 70 ? 1 : (body.Length + 66) / 67);
}
