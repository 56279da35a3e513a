using System.Security.Claims;
using Callvia.Core.Data;
using Microsoft.AspNetCore.Http;

namespace Callvia.Core.Auditing;

/// <summary>Builds audit entries from the current caller; one place for who "the actor" is.</summary>
public static class Audit
{
    public static AuditEntry Entry(HttpContext? http, TimeProvider clock, string action, Guid? clientId, string? detail = null, string? actor = null)
    {
        var user = http?.User;
        return new AuditEntry
        {
            ClientId = clientId,
            ActorUserId = Guid.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var uid) ? uid : null,
            Actor = actor ?? user?.FindFirstValue(ClaimTypes.Email) ?? user?.FindFirstValue("sub") ?? user?.Identity?.Name ?? "system",
            Action = action,
            Detail = detail,
            IpAddress = http?.Connection.RemoteIpAddress?.ToString(),
            At = clock.GetUtcNow(),
        };
    }

    public static async Task WriteAsync(CallviaDbContext db, HttpContext? http, TimeProvider clock, string action, Guid? clientId,
        string? detail = null, string? actor = null, CancellationToken ct = default)
    {
        db.AuditLog.Add(Entry(http, clock, action, clientId, detail, actor));
        await db.SaveChangesAsync(ct);
    }
}
