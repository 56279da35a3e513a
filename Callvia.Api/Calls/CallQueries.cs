using Callvia.Api.Appointments;
using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Appointments;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using GraphQL;
using GraphQL.Types;

namespace Callvia.Api.Calls;

/// <summary>The <c>calls</c> and <c>appointments</c> connections: newest first, filtered by lead, campaign, status and dates.</summary>
public static class CallQueries
{
    public static void Add(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionGraphType<CallGraphType, CallLog>>>("calls")
            .Description("Call logs, newest first.")
            .Arguments(Paging.Arguments())
            .Argument<IdGraphType>("leadId").Argument<IdGraphType>("campaignId")
            .Argument<EnumerationGraphType<CallStatus>>("status")
            .Argument<UtcDateTimeGraphType>("from").Argument<UtcDateTimeGraphType>("to")
            .ResolveAsync(async ctx =>
            {
                var calls = Db(ctx).CallLogs.AsQueryable();
                if (Id(ctx, "leadId", LeadGraphType.TypeName) is { } lead) calls = calls.Where(c => c.LeadId == lead);
                if (Id(ctx, "campaignId", Campaigns.CampaignGraphType.TypeName) is { } campaign) calls = calls.Where(c => c.CampaignId == campaign);
                if (ctx.GetArgument<CallStatus?>("status") is { } status) calls = calls.Where(c => c.Status == status);
                var (from, to) = Range(ctx);
                if (from is { } f) calls = calls.Where(c => c.CreatedAt >= f);
                if (to is { } t) calls = calls.Where(c => c.CreatedAt < t);
                return await NewestFirst.PageAsync(ctx, "call", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(calls), c => c.CreatedAt, c => c.Id);
            });

        query.Field<NonNullGraphType<ConnectionGraphType<AppointmentGraphType, Appointment>>>("appointments")
            .Description("Appointments, latest start first; from/to bound the start time.")
            .Arguments(Paging.Arguments())
            .Argument<IdGraphType>("leadId").Argument<IdGraphType>("campaignId")
            .Argument<EnumerationGraphType<AppointmentStatus>>("status")
            .Argument<UtcDateTimeGraphType>("from").Argument<UtcDateTimeGraphType>("to")
            .ResolveAsync(async ctx =>
            {
                var appointments = Db(ctx).Appointments.AsQueryable();
                if (Id(ctx, "leadId", LeadGraphType.TypeName) is { } lead) appointments = appointments.Where(a => a.LeadId == lead);
                if (Id(ctx, "campaignId", Campaigns.CampaignGraphType.TypeName) is { } campaign) appointments = appointments.Where(a => a.CampaignId == campaign);
                if (ctx.GetArgument<AppointmentStatus?>("status") is { } status) appointments = appointments.Where(a => a.Status == status);
                var (from, to) = Range(ctx);
                if (from is { } f) appointments = appointments.Where(a => a.StartsAt >= f);
                if (to is { } t) appointments = appointments.Where(a => a.StartsAt < t);
                return await NewestFirst.PageAsync(ctx, "appointment", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(appointments), a => a.StartsAt, a => a.Id);
            });
    }

    private static CallviaDbContext Db(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<CallviaDbContext>();

    private static Guid? Id(IResolveFieldContext ctx, string argument, string type) =>
        ctx.GetArgument<string?>(argument) is { } raw
            ? GlobalId.Decode(raw, type) ?? throw new ExecutionError($"'{argument}' is not a {type} id.") { Code = "VALIDATION" }
            : null;

    private static (DateTimeOffset? From, DateTimeOffset? To) Range(IResolveFieldContext ctx)
    {
        var from = ctx.GetArgument<DateTimeOffset?>("from")?.ToUniversalTime();
        var to = ctx.GetArgument<DateTimeOffset?>("to")?.ToUniversalTime();
        if (from >= to) throw new ExecutionError("'from' must be before 'to'.") { Code = "VALIDATION" };
        return (from, to);
    }
}
