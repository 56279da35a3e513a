namespace Callvia.Core.Billing;

/// <summary>The one place a call's cost is computed: seconds × rate per minute / 60, unrounded (rounded once, on the invoice).</summary>
public static class UsageCost
{
    public static decimal Of(int seconds, decimal ratePerMinute) => seconds * ratePerMinute / 60m;

    /// <summary>An unrounded total in cents, rounded once (half to even, as every amount shown to people is).</summary>
    public static long ToCents(decimal total) => (long)Math.Round(total * 100m, MidpointRounding.ToEven);
}
