using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Tenancy;

/// <summary>
/// The one lookup of the scope's client's default region (ISO 3166, for phone numbers written without a country
/// code): imports, single leads, suppressions, bookings and inbound texts all read it here. "US" outside a client.
/// </summary>
public static class ClientRegion
{
    public const string Fallback = "US";

    public static async Task<string> ClientRegionAsync(this CallviaDbContext db, CancellationToken ct = default) =>
        db.Tenant.ClientId is { } id
            ? db.TrackedClient()?.DefaultRegion
              ?? await db.Clients.Where(c => c.Id == id).Select(c => c.DefaultRegion).FirstOrDefaultAsync(ct) ?? Fallback
            : Fallback;

    /// <summary>Loads the scope's client into the context once (a webhook batch: its rate and region then read no more).</summary>
    public static async Task TrackClientAsync(this CallviaDbContext db, CancellationToken ct)
    {
        if (db.Tenant.ClientId is not null && db.TrackedClient() is null) await db.Clients.LoadAsync(ct);
    }

    /// <summary>The scope's client when the context tracks it already (a webhook batch loads it once), else null.</summary>
    public static Client? TrackedClient(this CallviaDbContext db) =>
        db.Tenant.ClientId is { } id ? db.Clients.Local.FindEntry(id)?.Entity : null;
}
