using Callvia.Core.Appointments;
using Callvia.Core.Calls;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using GraphQL;
using GraphQL.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.GraphQL;

/// <summary>
/// The batched lookups behind navigation fields: a page of leads with their campaign, last call and last
/// appointment costs one query per kind, not one per lead. All read through the request's DbContext, so
/// the tenant's filters and row-level security apply.
/// </summary>
public static class Loaders
{
    public static IDataLoaderResult<Campaign?> Campaign(IResolveFieldContext ctx, Guid id) =>
        Get<Guid, Campaign>(ctx, "campaign", (db, ids, ct) => db.Campaigns.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct)).Load(id);

    public static IDataLoaderResult<Lead?> Lead(IResolveFieldContext ctx, Guid id) =>
        Get<Guid, Lead>(ctx, "lead", (db, ids, ct) => db.Leads.AsNoTracking().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct)).Load(id);

    public static IDataLoaderResult<CallLog?> LastCall(IResolveFieldContext ctx, Guid leadId) =>
        Get<Guid, CallLog>(ctx, "lastCall", async (db, ids, ct) => (await db.CallLogs.FromSql($"""
                SELECT DISTINCT ON (lead_id) * FROM call_logs WHERE lead_id = ANY({ids.ToArray()}) ORDER BY lead_id, created_at DESC, id DESC
                """).AsNoTracking().ToListAsync(ct)).ToDictionary(c => c.LeadId!.Value)).Load(leadId);

    public static IDataLoaderResult<Appointment?> LastAppointment(IResolveFieldContext ctx, Guid leadId) =>
        Get<Guid, Appointment>(ctx, "lastAppointment", async (db, ids, ct) => (await db.Appointments.FromSql($"""
                SELECT DISTINCT ON (lead_id) * FROM appointments WHERE lead_id = ANY({ids.ToArray()}) ORDER BY lead_id, created_at DESC, id DESC
                """).AsNoTracking().ToListAsync(ct)).ToDictionary(a => a.LeadId!.Value)).Load(leadId);

    public static IDataLoaderResult<List<Core.Dialer.DialAttempt>?> DialAttempts(IResolveFieldContext ctx, Guid leadId) =>
        Get<Guid, List<Core.Dialer.DialAttempt>>(ctx, "dialAttempts", async (db, ids, ct) =>
        {
            var byLead = (await db.DialAttempts.AsNoTracking().Where(a => ids.Contains(a.LeadId))
                .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(ct)).ToLookup(a => a.LeadId);
            return ids.ToDictionary(id => id, id => byLead[id].ToList()); // a lead never called: an empty list
        }).Load(leadId);

    /// <summary>Every message of each appointment (a handful: its reminders, check-in, rebook steps), in the order they are due.</summary>
    public static IDataLoaderResult<List<Core.Messaging.Message>?> AppointmentMessages(IResolveFieldContext ctx, Guid appointmentId) =>
        Get<Guid, List<Core.Messaging.Message>>(ctx, "appointmentMessages", async (db, ids, ct) =>
        {
            var byAppointment = (await db.Messages.AsNoTracking().Where(m => m.AppointmentId != null && ids.Contains(m.AppointmentId.Value))
                .OrderBy(m => m.ScheduledFor ?? m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct)).ToLookup(m => m.AppointmentId!.Value);
            return ids.ToDictionary(id => id, id => byAppointment[id].ToList());
        }).Load(appointmentId);

    /// <summary>A request-scoped batch loader that reads through the request's DbContext (every feature's loaders use it).</summary>
    public static BatchLoader<TKey, TValue> Get<TKey, TValue>(IResolveFieldContext ctx, string name,
        Func<CallviaDbContext, IReadOnlyCollection<TKey>, CancellationToken, Task<Dictionary<TKey, TValue>>> fetch) where TKey : notnull
    {
        var services = ctx.RequestServices!;
        return services.GetRequiredService<RequestLoaders>().Get<TKey, TValue>(name,
            (keys, ct) => fetch(services.GetRequiredService<CallviaDbContext>(), keys, ct));
    }
}
