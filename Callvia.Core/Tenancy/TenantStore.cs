using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Callvia.Core.Tenancy;

/// <summary>
/// Maps a slug (or, for jobs, an id) to its client. The app role cannot read <c>clients</c> outside a
/// tenant's scope, so the lookup goes through SECURITY DEFINER functions that return only what routing
/// needs. Results are cached briefly per instance (a suspension takes effect within <see cref="Ttl"/>);
/// unknown slugs are cached too, so probing hosts cannot hammer the database.
/// </summary>
public sealed class TenantStore(NpgsqlDataSource db, IMemoryCache cache)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);

    public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken ct = default) =>
        FindAsync("tenant:slug:" + slug, "app_resolve_client", slug, ct);

    public Task<TenantInfo?> FindByIdAsync(Guid id, CancellationToken ct = default) =>
        FindAsync("tenant:id:" + id, "app_resolve_client_by_id", id, ct);

    /// <summary>Forgets a client after it changed (status, name).</summary>
    public void Invalidate(TenantInfo tenant)
    {
        cache.Remove("tenant:slug:" + tenant.Slug);
        cache.Remove("tenant:id:" + tenant.Id);
    }

    private async Task<TenantInfo?> FindAsync(string key, string function, object argument, CancellationToken ct)
    {
        if (cache.TryGetValue(key, out TenantInfo? hit))
            return hit;
        await using var cmd = db.CreateCommand($"SELECT id, slug, name, status, time_zone FROM {function}($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = argument });
        TenantInfo? found = null;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
                found = new TenantInfo(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                    Data.SnakeCaseEnum<ClientStatus>.FromDb(reader.GetString(3)), reader.GetString(4));
        }
        cache.Set(key, found, Ttl);
        return found;
    }
}
