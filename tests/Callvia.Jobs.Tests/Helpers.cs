using Callvia.Testing;
using Npgsql;

namespace Callvia.Jobs.Tests;

internal static class Helpers
{
    public static async Task<long> CountAsync(this CallviaFixture fixture, string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = fixture.Database.Name }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
