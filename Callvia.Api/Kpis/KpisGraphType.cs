using Callvia.Api.GraphQL;
using Callvia.Core.Kpis;
using GraphQL.Types;

namespace Callvia.Api.Kpis;

/// <summary>The dashboard's KPIs for a range (rules: <see cref="KpiService"/>).</summary>
public sealed class KpisGraphType : ObjectGraphType<KpiSnapshot>
{
    public KpisGraphType()
    {
        Name = "Kpis";
        Field<UtcDateTimeGraphType>("from").Resolve(c => c.Source.Range.From);
        Field<UtcDateTimeGraphType>("to").Resolve(c => c.Source.Range.To);
        Field<IdGraphType>("campaignId").Resolve(c => c.Source.Range.CampaignId is { } id ? GlobalId.Encode(Campaigns.CampaignGraphType.TypeName, id) : null);
        Field<NonNullGraphType<IntGraphType>>("leads").Description("Leads created in the range.").Resolve(c => c.Source.Leads);
        Field<NonNullGraphType<IntGraphType>>("calls").Description("Calls placed in the range.").Resolve(c => c.Source.Calls);
        Field<NonNullGraphType<IntGraphType>>("calledLeads").Description("Distinct leads called in the range.").Resolve(c => c.Source.CalledLeads);
        Field<NonNullGraphType<IntGraphType>>("contactedLeads").Description("Of those, leads whose call connected.").Resolve(c => c.Source.ContactedLeads);
        Field<NonNullGraphType<FloatGraphType>>("contactRate").Description("Contacted leads / called leads (0 with none called).").Resolve(c => c.Source.ContactRate);
        Field<NonNullGraphType<IntGraphType>>("appointmentsBooked").Description("Bookings made in the range (a reschedule is not a new booking).").Resolve(c => c.Source.AppointmentsBooked);
        Field<NonNullGraphType<IntGraphType>>("appointmentsShown").Description("Appointments starting in the range that were shown.").Resolve(c => c.Source.AppointmentsShown);
        Field<NonNullGraphType<IntGraphType>>("appointmentsVerified").Description("Appointments starting in the range marked shown or no-show.").Resolve(c => c.Source.AppointmentsVerified);
        Field<NonNullGraphType<FloatGraphType>>("showRate").Description("Shown / verified (0 with none verified).").Resolve(c => c.Source.ShowRate);
        Field<NonNullGraphType<MoneyGraphType>>("usageCost").Description("Call minutes' cost in the range, unrounded.").Resolve(c => new Money(c.Source.UsageCost, c.Source.Currency));
        Field<MoneyGraphType>("costPerShow").Description("Usage cost per shown appointment, to the cent; null with none shown.")
            .Resolve(c => c.Source.CostPerShow is { } v ? new Money(v, c.Source.Currency) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DayCountGraphType>>>>("callsByDay").Description("Calls per day, in the client's time zone.").Resolve(c => c.Source.CallsByDay);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatusCountGraphType>>>>("leadsByStatus").Description("The range's leads by status.").Resolve(c => c.Source.LeadsByStatus);
    }
}

public sealed class DayCountGraphType : ObjectGraphType<DayCount>
{
    public DayCountGraphType()
    {
        Name = "DayCount";
        Field<NonNullGraphType<DateOnlyGraphType>>("day").Resolve(c => c.Source.Day);
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(c => c.Source.Count);
    }
}

public sealed class StatusCountGraphType : ObjectGraphType<StatusCount>
{
    public StatusCountGraphType()
    {
        Name = "StatusCount";
        Field<NonNullGraphType<StringGraphType>>("status").Description("The lead status, upper case as in LeadStatus.").Resolve(c => c.Source.Status.ToUpperInvariant());
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(c => c.Source.Count);
    }
}
