using Callvia.Core.Kpis;
using Xunit;

namespace Callvia.Core.Tests;

public sealed class KpiPeriodShould
{
    private static readonly DateOnly Today = new(2026, 3, 20);

    [Theory]
    [InlineData(KpiPeriod.Today, "2026-03-20", "2026-03-20")]
    [InlineData(KpiPeriod.Last7Days, "2026-03-14", "2026-03-20")]
    [InlineData(KpiPeriod.Last30Days, "2026-02-19", "2026-03-20")]
    [InlineData(KpiPeriod.ThisMonth, "2026-03-01", "2026-03-20")]
    [InlineData("nonsense", "2026-02-19", "2026-03-20")]
    [InlineData(null, "2026-02-19", "2026-03-20")]
    public void Count_whole_days_up_to_today(string? preset, string first, string last)
    {
        var (period, error) = KpiPeriod.Resolve(preset, null, null, Today);
        Assert.Null(error);
        Assert.Equal(DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture), period!.FirstDay);
        Assert.Equal(DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture), period.LastDay);
    }

    [Fact]
    public void Refuse_a_custom_period_without_days_backwards_or_longer_than_a_year()
    {
        Assert.Equal("Choose the first and the last day.", KpiPeriod.Resolve(KpiPeriod.Custom, new DateOnly(2026, 3, 1), null, Today).Error);
        Assert.Equal("The last day is before the first.", KpiPeriod.Resolve(KpiPeriod.Custom, new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 1), Today).Error);
        Assert.Equal("Choose at most 366 days.", KpiPeriod.Resolve(KpiPeriod.Custom, new DateOnly(2024, 1, 1), new DateOnly(2025, 1, 1), Today).Error);
        Assert.Equal("Choose days from 2000 to 2099.", KpiPeriod.Resolve(KpiPeriod.Custom, new DateOnly(9999, 12, 31), new DateOnly(9999, 12, 31), Today).Error);
        Assert.Equal("Choose days from 2000 to 2099.", KpiPeriod.Resolve(KpiPeriod.Custom, new DateOnly(1, 1, 1), new DateOnly(1, 1, 2), Today).Error);
        Assert.Equal(366, KpiPeriod.Resolve(KpiPeriod.Custom, new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31), Today).Period!.Days);
    }

    [Fact]
    public void Start_and_end_at_local_midnights_across_a_daylight_saving_change()
    {
        // New York springs forward on 2026-03-08: that day has 23 hours
        var period = KpiPeriod.Resolve(KpiPeriod.Custom, new DateOnly(2026, 3, 8), new DateOnly(2026, 3, 8), Today).Period!;
        var range = period.ToRange("America/New_York", null);
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture), range.From);
        Assert.Equal(DateTimeOffset.Parse("2026-03-09T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture), range.To);
        Assert.Equal(TimeSpan.FromHours(23), range.To - range.From);
    }

    [Fact]
    public void Know_today_in_the_clients_time_zone()
    {
        var now = DateTimeOffset.Parse("2026-03-21T02:30:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new DateOnly(2026, 3, 20), KpiPeriod.TodayIn("America/Los_Angeles", now));
        Assert.Equal(new DateOnly(2026, 3, 21), KpiPeriod.TodayIn("Europe/Berlin", now));
    }
}
