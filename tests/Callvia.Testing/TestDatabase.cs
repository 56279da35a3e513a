using Callvia.Core.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Callvia.Testing;

/// <summary>
/// A throw-away database with its own owner and app roles (roles are server-wide; unique names keep
/// test assemblies that run at the same time out of each other's way). Dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private TestDatabase(string admin, string name, string owner, string app)
    {
        _admin = admin;
        Name = name;
        OwnerConnectionString = owner;
        AppConnectionString = app;
    }

    public string Name { get; }
    /// <summary>The tables' owner: migrations run as it.</summary>
    public string OwnerConnectionString { get; }
    /// <summary>The services' role: owns nothing, subject to row-level security.</summary>
    public string AppConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string adminConnectionString, string hint)
    {
        var suffix = $"{hint}_{Guid.NewGuid():N}"[..Math.Min(hint.Length + 13, 40)].ToLowerInvariant();
        var name = "callvia_t_" + suffix;
        var ownerRole = "owner_" + suffix;
        var appRole = "app_" + suffix;
        var password = Guid.NewGuid().ToString("N");
        await using (var conn = new NpgsqlConnection(adminConnectionString))
        {
            await conn.OpenAsync();
            await ExecAsync(conn, $"""
                CREATE ROLE {ownerRole} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{password}';
                CREATE ROLE {appRole} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{password}';
                """);
            // CREATE DATABASE cannot share a command with anything else
            await ExecAsync(conn, $"CREATE DATABASE {name} OWNER {ownerRole}");
        }
        var admin = new NpgsqlConnectionStringBuilder(adminConnectionString);
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString))
        {
            await conn.OpenAsync();
            await ExecAsync(conn, $"ALTER SCHEMA public OWNER TO {ownerRole}; REVOKE CREATE ON SCHEMA public FROM PUBLIC;");
        }
        string For(string role) => new NpgsqlConnectionStringBuilder
        {
            Host = admin.Host, Port = admin.Port, Database = name, Username = role, Password = password,
            MaxPoolSize = 50,
        }.ConnectionString;
        return new TestDatabase(adminConnectionString, name, For(ownerRole), For(appRole));
    }

    public Task MigrateAsync() => DatabaseMigrator.MigrateAsync(OwnerConnectionString, AppConnectionString, NullLogger.Instance);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        var owner = new NpgsqlConnectionStringBuilder(OwnerConnectionString).Username;
        var app = new NpgsqlConnectionStringBuilder(AppConnectionString).Username;
        await ExecAsync(conn, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        await ExecAsync(conn, $"DROP ROLE IF EXISTS {app}; DROP ROLE IF EXISTS {owner};");
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
