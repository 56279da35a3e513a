using System.Security.Claims;
using Callvia.Core.Data;

namespace Callvia.Core.Auditing;

/// <summary>Builds audit entries from the current caller; one place for who "the actor" is.</summary>
public static class Audit
{
    public static AuditEntry Entry(IAuditCaller? caller, TimeProvider clock, string action, Guid? clientId, string? detail = null, string? actor = null)
    {
        var user = caller?.User;
        return new AuditEntry
        {
            ClientId = clientId,
            ActorUserId = Guid.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var uid) ? uid : null,
            Actor = actor ?? ActorOf(caller),
            Action = action,
            Detail = detail,
            IpAddress = caller?.IpAddress,
            At = clock.GetUtcNow(),
        };
    }

    /// <summary>Who the caller is, in words: a user's email, a partner application's id, or "system" for a job.</summary>
    public static string ActorOf(IAuditCaller? caller)
    {
        var user = caller?.User;
        return user?.FindFirstValue(ClaimTypes.Email) ?? user?.FindFirstValue("sub") ?? user?.Identity?.Name ?? "system";
    }

    public static async Task WriteAsync(CallviaDbContext db, IAuditCaller? caller, TimeProvider clock, string action, Guid? clientId,
        string? detail = null, string? actor = null, CancellationToken ct = default)
    {
        db.AuditLog.Add(Entry(caller, clock, action, clientId, detail, actor));
        await db.SaveChangesAsync(ct);
    }
}
