using System.Collections.Concurrent;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Callvia.Jobs.Tests;

/// <summary>A job that reports what its scope sees: the tenant, and the campaigns EF Core and raw SQL return.</summary>
public sealed class TenantProbeJob(TenantContext tenant, CallviaDbContext db, NpgsqlDataSource dataSource)
{
    public sealed record Seen(Guid? ClientId, Guid? AmbientClientId, List<Guid> Campaigns, long RawCampaignRows);

    public static readonly ConcurrentDictionary<string, Seen> Observations = new();

    public async Task RunAsync(string key)
    {
        var campaigns = await db.Campaigns.Select(c => c.Id).ToListAsync();
        await using var conn = await TenantSession.OpenConnectionAsync(dataSource, tenant);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM campaigns", conn);
        var raw = (long)(await cmd.ExecuteScalarAsync())!;
        Observations[key] = new Seen(tenant.ClientId, AmbientTenant.ClientId, campaigns, raw);
    }
}
