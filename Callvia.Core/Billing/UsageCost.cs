namespace Callvia.Core.Billing;

/// <summary>The one place a call's cost is computed: seconds × rate per minute / 60, unrounded (rounded once, on the invoice).</summary>
public static class UsageCost
{
    public static decimal Of(int seconds, decimal ratePerMinute) => seconds * ratePerMinute / 60m;

    /// <summary>Seconds as minutes with two decimals (half to even; always two places: 120 s is 2.00).</summary>
    public static decimal Minutes(long seconds) => Math.Round(seconds / 60m, 2, MidpointRounding.ToEven) + 0.00m;

    /// <summary>An unrounded total in cents, rounded once (half to even, as every amount shown to people is).</summary>
    public static long ToCents(decimal total) => (long)Math.Round(total * 100m, MidpointRounding.ToEven);

    /// <summary>
    /// Shares of the rounded total for exact, non-negative parts (an invoice's lines): the total is rounded once
    /// (<see cref="ToCents"/>), each part gets its whole cents, and the cents left go one each to the parts with the
    /// largest fractions (earlier parts first on a tie). The shares always add up to the rounded total, and each is
    /// within a cent of its exact part.
    /// </summary>
    public static long[] Allocate(IReadOnlyList<decimal> parts)
    {
        var total = ToCents(parts.Sum());
        var shares = new long[parts.Count];
        var fractions = new decimal[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i] < 0) throw new ArgumentOutOfRangeException(nameof(parts), "A part is negative.");
            var cents = parts[i] * 100m;
            shares[i] = (long)decimal.Floor(cents);
            fractions[i] = cents - shares[i];
        }
        var left = total - shares.Sum();
        foreach (var i in Enumerable.Range(0, parts.Count).OrderByDescending(i => fractions[i]).ThenBy(i => i))
        {
            if (left <= 0) break;
            shares[i]++;
            left--;
        }
        return shares;
    }
}
