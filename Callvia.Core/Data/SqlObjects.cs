using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Core.Data;

/// <summary>
/// The SQL the database runs (functions, triggers, row-level security) has one current source per object: the files in
/// <c>Data/Sql/</c>, embedded in this assembly and applied by the migration step after EF Core's migrations, in the
/// order of their names. A file is applied again only when its text changed (its SHA-256 is kept in
/// <c>__sql_objects</c>), so each file is written to run again over its previous version: <c>CREATE OR REPLACE</c>,
/// <c>DROP POLICY IF EXISTS</c> before <c>CREATE POLICY</c>, and what must follow a change (a rollup rebuilt) at its end.
/// An object taken out of a file is dropped by a statement left in that file. Tables, columns and indexes stay with
/// EF Core's migrations.
/// </summary>
public static class SqlObjects
{
    private const string Prefix = "Callvia.Core.Data.Sql.";
    internal const string Table = "__sql_objects";

    /// <summary>The files in the order they are applied (their names sort them: 01_tenancy.sql, 02_...).</summary>
    public static IReadOnlyList<(string Name, string Text)> Files { get; } = Load();

    private static List<(string Name, string Text)> Load()
    {
        var assembly = typeof(SqlObjects).Assembly;
        var files = new List<(string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!, Encoding.UTF8);
            files.Add((resource[Prefix.Length..], reader.ReadToEnd()));
        }
        return files;
    }

    /// <summary>Applies the files whose text changed since they were last applied, all in one transaction.</summary>
    /// <returns>The names of the files applied.</returns>
    public static async Task<IReadOnlyList<string>> ApplyAsync(NpgsqlConnection conn, ILogger logger, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecAsync(conn, tx, $"""
            CREATE TABLE IF NOT EXISTS {Table} (
                file text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, ct);
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand($"SELECT file, sha256 FROM {Table}", conn, tx))
        await using (var rows = await read.ExecuteReaderAsync(ct))
            while (await rows.ReadAsync(ct)) applied[rows.GetString(0)] = rows.GetString(1);

        var changed = new List<string>();
        foreach (var (name, text) in Files)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            if (applied.TryGetValue(name, out var previous) && previous == hash) continue;
            try
            {
                await ExecAsync(conn, tx, text, ct);
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"Data/Sql/{name} failed: {e.MessageText} (at {e.Where ?? e.Position.ToString(System.Globalization.CultureInfo.InvariantCulture)})", e);
            }
            await using var record = new NpgsqlCommand(
                $"INSERT INTO {Table} (file, sha256) VALUES ($1, $2) ON CONFLICT (file) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()", conn, tx);
            record.Parameters.Add(new NpgsqlParameter { Value = name });
            record.Parameters.Add(new NpgsqlParameter { Value = hash });
            await record.ExecuteNonQueryAsync(ct);
            changed.Add(name);
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("SQL objects: {Count} file(s) applied{Names}", changed.Count, changed.Count == 0 ? "" : ": " + string.Join(", ", changed));
        return changed;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
