using Callvia.Core.Auditing;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Identity;

/// <summary>
/// A client's own partner applications (the API's <c>partnerApps</c>, <c>createPartnerApp</c>, <c>revokePartnerApp</c> on
/// a client's host, and the portal's settings): list, create (the secret returned once), revoke; audited. In the
/// client's tenant scope, so another client's application is not there to revoke.
/// </summary>
public sealed class ClientPartnerApps(PartnerApps apps, CallviaDbContext db, IAuditCaller caller, TimeProvider clock)
{
    public Task<List<PartnerApplication>> ListAsync(Guid? only, CancellationToken ct) =>
        db.PartnerApplications.AsNoTracking().Where(a => only == null || a.Id == only).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(ct);

    public async Task<(PartnerApplication? Application, string? Secret, List<FieldIssue> Issues)> CreateAsync(string? name, TenantInfo client, CancellationToken ct)
    {
        var result = await apps.CreateAsync(name, client.Slug, client.Id, ct);
        if (result.Application is { } app)
            await Audit.WriteAsync(db, caller, clock, "partner_app.create", client.Id, app.ClientId, ct: ct);
        return result;
    }

    public async Task<PartnerApplication?> RevokeAsync(Guid id, Guid clientId, CancellationToken ct)
    {
        var revoked = await apps.RevokeAsync(id, ct);
        if (revoked is not null)
            await Audit.WriteAsync(db, caller, clock, "partner_app.revoke", clientId, $"{revoked.ClientId}", ct: ct);
        return revoked;
    }
}
