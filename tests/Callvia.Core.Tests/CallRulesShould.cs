using Callvia.Core.Calls;
using Callvia.Testing;
using Npgsql;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>The rules written in C# and in SQL (Data/Sql/03_rules.sql) give the same answers.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class CallRulesShould(CallviaFixture fixture)
{
    public static TheoryData<DateTimeOffset?, int?> Calls => new()
    {
        { null, null }, { null, 0 }, { null, 1 }, { null, 132 },
        { DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), null },
        { DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 0 },
        { DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 45 },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Decide_a_connected_call_the_same_in_csharp_and_in_sql(DateTimeOffset? startedAt, int? durationSeconds)
    {
        await using var conn = await Sql.OpenAsync(fixture.Database.AppConnectionString);
        await using var cmd = new NpgsqlCommand("SELECT call_connected($1, $2)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)startedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)durationSeconds ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        Assert.Equal(CallLog.IsConnected(startedAt, durationSeconds), (bool)(await cmd.ExecuteScalarAsync())!);
        Assert.Equal(startedAt is not null || durationSeconds > 0, CallLog.IsConnected(startedAt, durationSeconds));
    }
}
