using Callvia.Api.Appointments;
using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Appointments;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Calls;

/// <summary>The filter of <c>calls</c> and <c>appointments</c> (the target shape's <c>filter</c> argument); fields combine with AND.</summary>
public sealed record CallFilter(string? LeadId, string? CampaignId, CallStatus? Status, DateTimeOffset? From, DateTimeOffset? To);

public sealed record AppointmentFilter(string? LeadId, string? CampaignId, AppointmentStatus? Status, DateTimeOffset? From, DateTimeOffset? To);

public sealed class CallFilterInputType : InputObjectGraphType<CallFilter>
{
    public CallFilterInputType()
    {
        Name = "CallFilter";
        Field<IdGraphType>("leadId");
        Field<IdGraphType>("campaignId");
        Field<EnumerationGraphType<CallStatus>>("status");
        Field<UtcDateTimeGraphType>("from").Description("Created at or after.");
        Field<UtcDateTimeGraphType>("to").Description("Created before.");
    }
}

public sealed class AppointmentFilterInputType : InputObjectGraphType<AppointmentFilter>
{
    public AppointmentFilterInputType()
    {
        Name = "AppointmentFilter";
        Field<IdGraphType>("leadId");
        Field<IdGraphType>("campaignId");
        Field<EnumerationGraphType<AppointmentStatus>>("status");
        Field<UtcDateTimeGraphType>("from").Description("Starting at or after.");
        Field<UtcDateTimeGraphType>("to").Description("Starting before.");
    }
}

/// <summary>
/// The <c>calls</c> and <c>appointments</c> connections: newest first, filtered by lead, campaign, status and dates,
/// given in <c>filter</c> (the target shape) or, deprecated, as the flat arguments of the first release — not both.
/// </summary>
public static class CallQueries
{
    private const string Deprecated = "Use filter; the flat arguments stay until partners have moved.";
    private static readonly string[] Flat = ["leadId", "campaignId", "status", "from", "to"];

    public static void Add(ObjectGraphType query)
    {
        var calls = query.Field<NonNullGraphType<ConnectionGraphType<CallGraphType, CallLog>>>("calls")
            .Description("Call logs, newest first.")
            .Arguments(Paging.Arguments())
            .Argument<CallFilterInputType>("filter");
        FlatArguments<EnumerationGraphType<CallStatus>>(calls);
        calls.ResolveAsync(async ctx =>
        {
            var f = Filter(ctx, c => c.GetArgument<CallFilter?>("filter"), c => new CallFilter(c.GetArgument<string?>("leadId"),
                c.GetArgument<string?>("campaignId"), c.GetArgument<CallStatus?>("status"), c.GetArgument<DateTimeOffset?>("from"), c.GetArgument<DateTimeOffset?>("to")));
            var rows = Db(ctx).CallLogs.AsNoTracking();
            if (Id(f.LeadId, "leadId", LeadGraphType.TypeName) is { } lead) rows = rows.Where(c => c.LeadId == lead);
            if (Id(f.CampaignId, "campaignId", Campaigns.CampaignGraphType.TypeName) is { } campaign) rows = rows.Where(c => c.CampaignId == campaign);
            if (f.Status is { } status) rows = rows.Where(c => c.Status == status);
            var (from, to) = Range(f.From, f.To);
            if (from is { } fr) rows = rows.Where(c => c.CreatedAt >= fr);
            if (to is { } t) rows = rows.Where(c => c.CreatedAt < t);
            return await NewestFirst.PageAsync(ctx, "call", rows, c => c.CreatedAt, c => c.Id);
        });

        var appointments = query.Field<NonNullGraphType<ConnectionGraphType<AppointmentGraphType, Appointment>>>("appointments")
            .Description("Appointments, latest start first; from/to bound the start time.")
            .Arguments(Paging.Arguments())
            .Argument<AppointmentFilterInputType>("filter");
        FlatArguments<EnumerationGraphType<AppointmentStatus>>(appointments);
        appointments.ResolveAsync(async ctx =>
        {
            var f = Filter(ctx, c => c.GetArgument<AppointmentFilter?>("filter"), c => new AppointmentFilter(c.GetArgument<string?>("leadId"),
                c.GetArgument<string?>("campaignId"), c.GetArgument<AppointmentStatus?>("status"), c.GetArgument<DateTimeOffset?>("from"), c.GetArgument<DateTimeOffset?>("to")));
            var rows = Db(ctx).Appointments.AsNoTracking();
            if (Id(f.LeadId, "leadId", LeadGraphType.TypeName) is { } lead) rows = rows.Where(a => a.LeadId == lead);
            if (Id(f.CampaignId, "campaignId", Campaigns.CampaignGraphType.TypeName) is { } campaign) rows = rows.Where(a => a.CampaignId == campaign);
            if (f.Status is { } status) rows = rows.Where(a => a.Status == status);
            var (from, to) = Range(f.From, f.To);
            if (from is { } fr) rows = rows.Where(a => a.StartsAt >= fr);
            if (to is { } t) rows = rows.Where(a => a.StartsAt < t);
            return await NewestFirst.PageAsync(ctx, "appointment", rows, a => a.StartsAt, a => a.Id);
        });
    }

    private static void FlatArguments<TStatus>(FieldBuilder<object?, object> field) where TStatus : IGraphType
    {
        field.Argument<IdGraphType>("leadId", a => a.DeprecationReason = Deprecated)
            .Argument<IdGraphType>("campaignId", a => a.DeprecationReason = Deprecated)
            .Argument<TStatus>("status", a => a.DeprecationReason = Deprecated)
            .Argument<UtcDateTimeGraphType>("from", a => a.DeprecationReason = Deprecated)
            .Argument<UtcDateTimeGraphType>("to", a => a.DeprecationReason = Deprecated);
    }

    /// <summary>The filter argument, or the flat arguments (deprecated) read as one; both at once is refused.</summary>
    private static T Filter<T>(IResolveFieldContext ctx, Func<IResolveFieldContext, T?> filter, Func<IResolveFieldContext, T> flat) where T : class
    {
        var given = filter(ctx);
        var flatGiven = Flat.Where(name => ctx.HasArgument(name) && ctx.GetArgument<object?>(name) is not null).ToList();
        if (given is not null && flatGiven.Count > 0)
            throw new ExecutionError($"Give 'filter' or the deprecated flat arguments ({string.Join(", ", flatGiven)}), not both.") { Code = "VALIDATION" };
        return given ?? flat(ctx);
    }

    private static CallviaDbContext Db(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<CallviaDbContext>();

    private static Guid? Id(string? raw, string argument, string type) =>
        raw is not null
            ? GlobalId.Decode(raw, type) ?? throw new ExecutionError($"'{argument}' is not a {type} id.") { Code = "VALIDATION" }
            : null;

    private static (DateTimeOffset? From, DateTimeOffset? To) Range(DateTimeOffset? from, DateTimeOffset? to)
    {
        from = from?.ToUniversalTime();
        to = to?.ToUniversalTime();
        if (from >= to) throw new ExecutionError("'from' must be before 'to'.") { Code = "VALIDATION" };
        return (from, to);
    }
}
