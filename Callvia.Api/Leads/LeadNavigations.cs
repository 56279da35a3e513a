using Callvia.Api.Appointments;
using Callvia.Api.Calls;
using Callvia.Api.GraphQL;
using Callvia.Core.Appointments;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Leads;

/// <summary>
/// <c>Lead.calls</c> and <c>Lead.appointments</c>: a lead's latest few, as bounded lists batched over a page of leads
/// (one statement per list for the whole page, each lead's rows read through the (lead_id, created_at) indexes).
/// A lead's full history pages through <c>calls(filter: { leadId })</c> / <c>appointments(filter: { leadId })</c>.
/// </summary>
public static class LeadNavigations
{
    public const int DefaultCount = 10, MaxCount = 50;

    public static void Add(ObjectGraphType<Core.Leads.Lead> lead)
    {
        lead.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CallGraphType>>>>("calls")
            .Description($"The lead's latest calls, newest first (first: 1 to {MaxCount}, default {DefaultCount}).")
            .Argument<IntGraphType>("first")
            .Resolve(c => Calls(c, c.Source.Id, Count(c)));
        lead.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AppointmentGraphType>>>>("appointments")
            .Description($"The lead's appointments, latest start first (first: 1 to {MaxCount}, default {DefaultCount}).")
            .Argument<IntGraphType>("first")
            .Resolve(c => Appointments(c, c.Source.Id, Count(c)));
    }

    private static int Count(IResolveFieldContext ctx)
    {
        var first = ctx.GetArgument<int?>("first") ?? DefaultCount;
        if (first is < 1 or > MaxCount)
            throw new ExecutionError($"'first' must be between 1 and {MaxCount}.") { Code = "VALIDATION" };
        return first;
    }

    private static IDataLoaderResult<List<CallLog>?> Calls(IResolveFieldContext ctx, Guid leadId, int first) =>
        Get<CallLog>(ctx, "leadCalls:" + first, async (db, ids, ct) => (await db.CallLogs.FromSql($"""
                SELECT c.* FROM unnest({ids.ToArray()}) AS l(id)
                CROSS JOIN LATERAL (SELECT * FROM call_logs WHERE lead_id = l.id ORDER BY created_at DESC, id DESC LIMIT {first}) c
                """).AsNoTracking().ToListAsync(ct)).ToLookup(c => c.LeadId!.Value), leadId);

    private static IDataLoaderResult<List<Appointment>?> Appointments(IResolveFieldContext ctx, Guid leadId, int first) =>
        Get<Appointment>(ctx, "leadAppointments:" + first, async (db, ids, ct) => (await db.Appointments.FromSql($"""
                SELECT a.* FROM unnest({ids.ToArray()}) AS l(id)
                CROSS JOIN LATERAL (SELECT * FROM appointments WHERE lead_id = l.id ORDER BY starts_at DESC, id DESC LIMIT {first}) a
                """).AsNoTracking().ToListAsync(ct)).ToLookup(a => a.LeadId!.Value), leadId);

    private static IDataLoaderResult<List<T>?> Get<T>(IResolveFieldContext ctx, string name,
        Func<CallviaDbContext, IReadOnlyCollection<Guid>, CancellationToken, Task<ILookup<Guid, T>>> fetch, Guid leadId)
    {
        var services = ctx.RequestServices!;
        return services.GetRequiredService<RequestLoaders>().Get<Guid, List<T>>(name, async (ids, ct) =>
        {
            var rows = await fetch(services.GetRequiredService<CallviaDbContext>(), ids, ct);
            // every lead gets its list, empty when it has none (a non-null field)
            return ids.ToDictionary(id => id, id => rows[id].ToList());
        }).Load(leadId);
    }
}
