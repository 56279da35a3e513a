using System.Reflection;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Hangfire.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Core.Data;

/// <summary>
/// The one explicit migration step: EF Core migrations, Hangfire's schema, the reference roles and the
/// app role's grants, all as the owner and under a PostgreSQL advisory lock, so that several instances
/// started together run it one after another (the later ones find nothing to do).
/// </summary>
public static class DatabaseMigrator
{
    public const string OwnerConnectionName = "callviadb_owner";
    public const string HangfireSchema = "hangfire";
    private const long LockKey = 0x43616c6c766961; // "Callvia"

    /// <param name="ownerConnectionString">A role that owns (or will own) the tables.</param>
    /// <param name="appConnectionString">The services' connection: its role gets DML grants and nothing more.</param>
    public static async Task MigrateAsync(string ownerConnectionString, string appConnectionString, ILogger logger, CancellationToken ct = default)
    {
        var appRole = new NpgsqlConnectionStringBuilder(appConnectionString);
        var owner = new NpgsqlConnectionStringBuilder(ownerConnectionString);
        if (string.IsNullOrEmpty(appRole.Username) || string.Equals(appRole.Username, owner.Username, StringComparison.Ordinal))
            throw new InvalidOperationException("The services must connect as a role that owns no tables: give ConnectionStrings:callviadb a different user than the migration's.");

        await using var dataSource = new NpgsqlDataSourceBuilder(ownerConnectionString).Build();
        await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
        await ExecAsync(lockConnection, $"SELECT pg_advisory_lock({LockKey})", ct);
        try
        {
            await EnsureAppRoleAsync(lockConnection, appRole, ct);

            var options = new DbContextOptionsBuilder<CallviaDbContext>();
            options.UseCallviaNpgsql(dataSource);
            await using (var db = new CallviaDbContext(options.Options, new TenantContext(), TimeProvider.System))
            {
                await AdoptSquashedHistoryAsync(lockConnection, db, logger, ct);
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                logger.LogInformation("Applying {Count} migration(s): {Names}", pending.Count, string.Join(", ", pending));
                await db.Database.MigrateAsync(ct);
            }
            await SqlObjects.ApplyAsync(lockConnection, logger, ct);

            PostgreSqlObjectsInstaller.Install(lockConnection, HangfireSchema);

            var roleValues = string.Join(", ", Roles.People.Select(r =>
                $"('{DeterministicGuid(r)}', '{r}', '{r.ToUpperInvariant()}', '{DeterministicGuid(r)}')"));
            await ExecAsync(lockConnection,
                $"INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES {roleValues} ON CONFLICT (normalized_name) DO NOTHING", ct);

            await GrantAsync(lockConnection, appRole.Username!, ct);
            logger.LogInformation("Database is up to date; services connect as '{Role}'", appRole.Username);
        }
        finally
        {
            await ExecAsync(lockConnection, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    /// <summary>The last of the migrations squashed into the baseline (2026-12-01): a database at it has the baseline's schema.</summary>
    private const string LastSquashed = "20261201221208_RescheduleChainIndex";

    /// <summary>
    /// The 20 development migrations were squashed into one baseline before any database outside development held them
    /// (docs/architecture.md). A development database migrated to the last of them has exactly the baseline's tables and
    /// indexes, so its history is rewritten to the baseline (its SQL objects are then applied from their files, as they
    /// have no recorded hash); one stopped part way cannot be adopted and is refused with what to do.
    /// </summary>
    private static async Task AdoptSquashedHistoryAsync(NpgsqlConnection conn, CallviaDbContext db, ILogger logger, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('__ef_migrations_history') IS NOT NULL", conn))
            if (await exists.ExecuteScalarAsync(ct) is not true) return;
        var history = new List<string>();
        await using (var read = new NpgsqlCommand("SELECT migration_id FROM __ef_migrations_history", conn))
        await using (var rows = await read.ExecuteReaderAsync(ct))
            while (await rows.ReadAsync(ct)) history.Add(rows.GetString(0));
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = history.Where(m => !known.Contains(m)).ToList();
        if (unknown.Count == 0) return;
        if (!history.Contains(LastSquashed, StringComparer.Ordinal) || history.Any(known.Contains))
            throw new InvalidOperationException(
                $"This database holds migrations this build does not know ({string.Join(", ", unknown.Take(3))}…) and cannot be adopted: " +
                "it was made by an older development build part way through its migrations. Reset it (remove .data/) and run again.");
        var baseline = db.Database.GetMigrations().First();
        var version = typeof(DbContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion.Split('+')[0] ?? "10.0";
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await using (var clear = new NpgsqlCommand("DELETE FROM __ef_migrations_history", conn, tx))
                await clear.ExecuteNonQueryAsync(ct);
            await using (var rewrite = new NpgsqlCommand(
                "INSERT INTO __ef_migrations_history (migration_id, product_version) VALUES ($1, $2)", conn, tx))
            {
                rewrite.Parameters.Add(new NpgsqlParameter { Value = baseline });
                rewrite.Parameters.Add(new NpgsqlParameter { Value = version });
                await rewrite.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        logger.LogWarning("Adopted a development database migrated before the squash: its {Count} migration(s) are now {Baseline}", history.Count, baseline);
    }

    /// <summary>
    /// Creates the app role when the owner may (Aspire gives a superuser); otherwise it must exist.
    /// Either way it must not be able to bypass row-level security.
    /// </summary>
    private static async Task EnsureAppRoleAsync(NpgsqlConnection conn, NpgsqlConnectionStringBuilder app, CancellationToken ct)
    {
        var role = Quote(app.Username!);
        await using (var check = new NpgsqlCommand("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = $1", conn))
        {
            check.Parameters.Add(new NpgsqlParameter { Value = app.Username });
            var result = await check.ExecuteScalarAsync(ct);
            if (result is true)
                throw new InvalidOperationException($"Role '{app.Username}' bypasses row-level security (superuser or BYPASSRLS); the services must not use it.");
            if (result is null)
            {
                if (string.IsNullOrEmpty(app.Password))
                    throw new InvalidOperationException($"Role '{app.Username}' does not exist and no password was given to create it.");
                await ExecAsync(conn, $"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '{app.Password.Replace("'", "''")}'", ct);
            }
        }
    }

    private static Task GrantAsync(NpgsqlConnection conn, string appRoleName, CancellationToken ct)
    {
        var role = Quote(appRoleName);
        return ExecAsync(conn, $"""
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
            REVOKE ALL ON __ef_migrations_history FROM {role};
            REVOKE ALL ON {SqlObjects.Table} FROM {role};
            -- reference data, written by this step only
            REVOKE INSERT, UPDATE, DELETE ON roles, role_claims FROM {role};
            -- the audit trail is append-only for the services
            REVOKE UPDATE, DELETE ON audit_log FROM {role};
            GRANT USAGE ON SCHEMA {HangfireSchema} TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {HangfireSchema} TO {role};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {HangfireSchema} TO {role};
            """, ct);
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    internal static Guid DeterministicGuid(string name)
    {
        var hash = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes("callvia-role:" + name));
        return new Guid(hash);
    }
}
