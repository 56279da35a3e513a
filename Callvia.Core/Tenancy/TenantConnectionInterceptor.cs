using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Callvia.Core.Tenancy;

/// <summary>
/// Sets the row-level-security settings on every connection EF Core opens for this scope. Npgsql's
/// reset on close (DISCARD ALL, on by default) clears them before the pooled connection serves anyone
/// else, and they are written on every open anyway, so no setting can travel between tenants.
/// </summary>
public sealed class TenantConnectionInterceptor(TenantContext tenant) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = TenantSession.CreateCommand((NpgsqlConnection)connection, tenant);
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = TenantSession.CreateCommand((NpgsqlConnection)connection, tenant);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The per-connection settings the RLS policies read; also for raw connections (COPY).</summary>
public static class TenantSession
{
    public static NpgsqlCommand CreateCommand(NpgsqlConnection connection, TenantContext tenant)
    {
        tenant.Seal();
        var cmd = new NpgsqlCommand("SELECT set_config('app.client_id', $1, false), set_config('app.agency', $2, false)", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant.ClientId?.ToString() ?? "" });
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant.IsAgency ? "on" : "off" });
        return cmd;
    }

    /// <summary>Opens a raw connection carrying the scope's tenant, for work EF Core does not do (COPY).</summary>
    public static async Task<NpgsqlConnection> OpenConnectionAsync(NpgsqlDataSource db, TenantContext tenant, CancellationToken ct = default)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = CreateCommand(conn, tenant);
            await cmd.ExecuteNonQueryAsync(ct);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }
}
