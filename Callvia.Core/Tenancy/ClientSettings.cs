using Callvia.Core.Auditing;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Tenancy;

/// <summary>
/// What a client's admins set about their own account: the time zone its people read times in (and its KPI days are
/// counted in: the database rebuilds the rollups' days when it changes, Data/Sql/10_kpi_time_zone.sql) and the default
/// region for phone numbers written without a country code. The same checks as the agency's <see cref="ClientAdmin"/>;
/// audited; the cached tenant is forgotten so every service sees the change within its cache time.
/// </summary>
public sealed class ClientSettings(CallviaDbContext db, TenantContext tenant, TenantStore tenants, IAuditCaller caller, TimeProvider clock)
{
    public async Task<List<FieldIssue>> UpdateAsync(string? timeZone, string? defaultRegion, CancellationToken ct)
    {
        var issues = new List<FieldIssue>();
        timeZone = timeZone?.Trim();
        var region = defaultRegion?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(timeZone) || !ClientAdmin.IsIanaTimeZone(timeZone))
            issues.Add(new("timeZone", "Choose a time zone such as America/Chicago."));
        if (string.IsNullOrEmpty(region) || !Leads.PhoneNumbers.IsSupportedRegion(region))
            issues.Add(new("defaultRegion", "Choose a country code such as US or CA."));
        if (issues.Count > 0) return issues;
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("Settings are a client's.");
        var client = await db.Clients.SingleAsync(c => c.Id == clientId, ct);
        if (client.TimeZone == timeZone && client.DefaultRegion == region) return [];
        var detail = $"time zone {client.TimeZone} → {timeZone}, region {client.DefaultRegion} → {region}";
        (client.TimeZone, client.DefaultRegion) = (timeZone!, region!);
        await db.SaveChangesAsync(ct);
        await Audit.WriteAsync(db, caller, clock, "client.settings", clientId, detail, ct: ct);
        tenants.Invalidate(tenant.Tenant!);
        return [];
    }
}
