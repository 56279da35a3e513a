using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Dialer;

/// <summary>
/// The kill switches, the agency's: platform-wide (<see cref="PlatformSetting.DialerStopKey"/>) and per client
/// (<see cref="Client.DialerStoppedAt"/>). On, the dialer starts no new call from its next claim (within a tick, a
/// second by default); calls in progress finish. Each change is audited.
/// </summary>
public sealed class DialerSwitches(AgencyAccess agency, TimeProvider clock)
{
    public Task StopPlatformAsync(string reason, CancellationToken ct = default) =>
        agency.RunAsync("dialer.platform_stop", async (db, _) =>
        {
            var setting = await db.PlatformSettings.FindAsync([PlatformSetting.DialerStopKey], ct);
            if (setting is null) db.PlatformSettings.Add(new PlatformSetting { Key = PlatformSetting.DialerStopKey, Value = reason, UpdatedAt = clock.GetUtcNow() });
            else (setting.Value, setting.UpdatedAt) = (reason, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }, detail: reason, ct: ct);

    public Task StartPlatformAsync(CancellationToken ct = default) =>
        agency.RunAsync("dialer.platform_start", async (db, _) =>
            await db.PlatformSettings.Where(s => s.Key == PlatformSetting.DialerStopKey).ExecuteDeleteAsync(ct), ct: ct);

    /// <summary>Turns a client's switch on or off; false when there is no such client.</summary>
    public Task<bool> SetClientAsync(Guid clientId, bool stopped, CancellationToken ct = default) =>
        agency.RunAsync(stopped ? "dialer.client_stop" : "dialer.client_start", async (db, _) =>
        {
            var now = clock.GetUtcNow();
            return await db.Clients.Where(c => c.Id == clientId).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.DialerStoppedAt, stopped ? now : null).SetProperty(c => c.UpdatedAt, now), ct) > 0;
        }, clientId, ct: ct);

    /// <summary>Why the platform's dialer is stopped, or null when it runs; for a caller already in the agency scope.</summary>
    public static async Task<string?> PlatformStopAsync(Data.CallviaDbContext agencyDb, CancellationToken ct) =>
        (await agencyDb.PlatformSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Key == PlatformSetting.DialerStopKey, ct))?.Value;
}
