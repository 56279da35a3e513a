using Callvia.Core.Billing;
using Xunit;

namespace Callvia.Core.Tests;

public sealed class UsageCostShould
{
    [Theory]
    // exact parts in dollars → each line's cents; the total is rounded once (half to even)
    [InlineData(new[] { "0.2033333333", "0.2966666667" }, new long[] { 20, 30 })]
    [InlineData(new[] { "0.005", "0.005", "0.005" }, new long[] { 1, 1, 0 })]     // 1.5 cents → 2, to the earlier parts
    [InlineData(new[] { "0.005" }, new long[] { 0 })]                            // half a cent rounds to even: nothing
    [InlineData(new[] { "0.015" }, new long[] { 2 })]
    [InlineData(new[] { "0.004", "0.004", "0.004" }, new long[] { 1, 0, 0 })]     // 1.2 cents → 1: equal fractions, the first
    [InlineData(new[] { "10.333333", "0.006667", "0" }, new long[] { 1033, 1, 0 })]
    [InlineData(new[] { "1234.567891", "0.002", "99.999" }, new long[] { 123457, 0, 10000 })]
    public void Share_the_total_rounded_once_among_the_lines(string[] parts, long[] expected)
    {
        var shares = UsageCost.Allocate(parts.Select(decimal.Parse).ToList());
        Assert.Equal(UsageCost.ToCents(parts.Sum(decimal.Parse)), shares.Sum());
        Assert.Equal(expected, shares);
        for (var i = 0; i < parts.Length; i++)
            Assert.True(Math.Abs(shares[i] - decimal.Parse(parts[i]) * 100m) < 1m, "each share is within a cent of its part");
    }

    [Fact]
    public void Price_a_call_exactly_and_refuse_a_negative_part()
    {
        Assert.Equal(0.5m, UsageCost.Of(150, 0.20m));
        Assert.Equal(61 * 0.20m / 60m, UsageCost.Of(61, 0.20m));
        Assert.Throws<ArgumentOutOfRangeException>(() => UsageCost.Allocate([1m, -0.01m]));
    }
}
