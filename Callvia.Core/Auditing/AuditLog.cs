using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Auditing;

/// <summary>What the audit log is narrowed to: a client, an action (prefix: "agency." is every agency action), an actor (prefix), a time range.</summary>
public sealed record AuditFilter(Guid? ClientId = null, string? Action = null, string? Actor = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>
/// The audit log, newest first, in keyset pages (the id is the order: rows are only ever appended). Read in the agency
/// scope (<see cref="Tenancy.AgencyAccess"/>, itself audited); the (client_id, at) and (at) indexes serve the filters.
/// </summary>
public static class AuditLog
{
    public static Task<List<AuditEntry>> PageAsync(Data.CallviaDbContext db, AuditFilter filter, long? beforeId, int take, CancellationToken ct)
    {
        var rows = db.AuditLog.AsNoTracking();
        if (filter.ClientId is { } client) rows = rows.Where(a => a.ClientId == client);
        if (filter.Action?.Trim() is { Length: > 0 } action) rows = rows.Where(a => a.Action.StartsWith(action));
        if (filter.Actor?.Trim() is { Length: > 0 } actor) rows = rows.Where(a => a.Actor.StartsWith(actor));
        if (filter.From is { } from) rows = rows.Where(a => a.At >= from);
        if (filter.To is { } to) rows = rows.Where(a => a.At < to);
        if (beforeId is { } before) rows = rows.Where(a => a.Id < before);
        return rows.OrderByDescending(a => a.Id).Take(take).ToListAsync(ct);
    }
}
