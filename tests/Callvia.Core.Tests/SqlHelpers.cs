using Npgsql;

namespace Callvia.Core.Tests;

internal static class Sql
{
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, Guid? tenant = null, bool agency = false)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT set_config('app.client_id', $1, false), set_config('app.agency', $2, false)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant?.ToString() ?? "" });
        cmd.Parameters.Add(new NpgsqlParameter { Value = agency ? "on" : "off" });
        await cmd.ExecuteNonQueryAsync();
        return conn;
    }

    public static async Task<List<string>> RowsAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    public static async Task<long> ScalarAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public static async Task<int> ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync();
    }
}
