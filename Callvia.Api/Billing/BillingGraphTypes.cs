using Callvia.Api.Calls;
using Callvia.Api.GraphQL;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using GraphQL.Types;

namespace Callvia.Api.Billing;

public sealed class InvoiceGraphType : ObjectGraphType<Invoice>
{
    public const string TypeName = "Invoice";

    public InvoiceGraphType()
    {
        Name = TypeName;
        Description = "A Stripe invoice: the usage of a month, or a milestone.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Invoice;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<NonNullGraphType<EnumerationGraphType<InvoiceKind>>>("kind").Resolve(c => c.Source.Kind);
        Field<StringGraphType>("period").Description("yyyy-MM for a usage invoice; null for a milestone's.").Resolve(c => c.Source.Period);
        Field<NonNullGraphType<EnumerationGraphType<InvoiceStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<MoneyGraphType>>("amount").Description("Stripe's integer cents, as an amount with two decimals.")
            .Resolve(c => new Money(c.Source.AmountCents / 100m, c.Source.Currency));
        Field<StringGraphType>("stripeInvoiceId").Resolve(c => c.Source.StripeInvoiceId);
        Field<StringGraphType>("hostedInvoiceUrl").Description("Stripe's page to see and pay the invoice.").Resolve(c => c.Source.HostedInvoiceUrl);
        Field<StringGraphType>("failureReason").Description("Why the last payment failed (FAILED).").Resolve(c => c.Source.FailureReason);
        Field<UtcDateTimeGraphType>("issuedAt").Resolve(c => c.Source.IssuedAt);
        Field<UtcDateTimeGraphType>("paidAt").Resolve(c => c.Source.PaidAt);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<MilestoneGraphType>("milestone").Description("The milestone this invoice bills (MILESTONE invoices).")
            .Resolve(c => c.Source.Kind == InvoiceKind.Milestone ? BillingLoaders.MilestoneOfInvoice(c, c.Source.Id) : null);
        Field<NonNullGraphType<BooleanGraphType>>("simulated")
            .Description("Made without Stripe keys: recorded here and never sent to Stripe (no stripeInvoiceId).").Resolve(c => c.Source.Simulated);
        Field<StringGraphType>("number").Description("Stripe's invoice number, once finalized.").Resolve(c => c.Source.Number);
        Field<StringGraphType>("description").Description("What it is for: the month, or the milestone and its evidence address.").Resolve(c => c.Source.Description);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<InvoiceLineGraphType>>>>("lines")
            .Description("Its lines as sent to Stripe (one per campaign for usage, late usage marked), adding up to amount. Batched.")
            .Resolve(c => BillingLoaders.Lines(c, c.Source.Id));
        Field<NonNullGraphType<MoneyGraphType>>("credited").Description("Credited back by the agency (credit notes).")
            .Resolve(c => new Money(c.Source.CreditedCents / 100m, c.Source.Currency));
    }
}

public sealed class InvoiceLineGraphType : ObjectGraphType<InvoiceLine>
{
    public InvoiceLineGraphType()
    {
        Name = "InvoiceLine";
        Description = "One line of an invoice: a campaign's minutes (usage) or the milestone.";
        Field<Campaigns.CampaignGraphType>("campaign").Resolve(c => c.Source.CampaignId is { } id ? Loaders.Campaign(c, id) : null);
        Field<NonNullGraphType<StringGraphType>>("description").Resolve(c => c.Source.Description);
        Field<NonNullGraphType<IntGraphType>>("calls").Resolve(c => c.Source.Calls);
        Field<NonNullGraphType<DecimalStringGraphType>>("minutes").Description("The line's call seconds / 60, two decimals.")
            .Resolve(c => UsageCost.Minutes(c.Source.Seconds));
        Field<NonNullGraphType<MoneyGraphType>>("cost").Description("The exact sum of its usage, unrounded.")
            .Resolve(c => BillingLoaders.Money(c, c.Source.ClientId, c.Source.Cost));
        Field<NonNullGraphType<MoneyGraphType>>("amount").Description("Its share of the invoice's total, rounded once at the total (the lines add up to it).")
            .Resolve(c => BillingLoaders.Money(c, c.Source.ClientId, c.Source.AmountCents / 100m));
        Field<NonNullGraphType<BooleanGraphType>>("late").Description("Usage of a month already closed when it was reported, billed here.").Resolve(c => c.Source.Late);
    }
}

public sealed class EvidenceEntryGraphType : ObjectGraphType<EvidenceEntry>
{
    public EvidenceEntryGraphType()
    {
        Name = "MilestoneEvidenceEntry";
        Description = "One appointment of a milestone, with its verification as it stood when it counted.";
        Field<IntGraphType>("place").Description("Its place in the milestone (1 to the milestone's size).").Resolve(c => c.Source.Position);
        Field<NonNullGraphType<IdGraphType>>("appointmentId").Resolve(c => GlobalId.Encode(Appointments.AppointmentGraphType.TypeName, c.Source.AppointmentId));
        Field<NonNullGraphType<StringGraphType>>("lead").Description("The lead's name.").Resolve(c => c.Source.Lead);
        Field<StringGraphType>("campaign").Description("The campaign's name.").Resolve(c => c.Source.Campaign);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("startsAt").Resolve(c => c.Source.StartsAt);
        Field<NonNullGraphType<EnumerationGraphType<Core.Appointments.VerificationSource>>>("source").Resolve(c => c.Source.Source);
        Field<NonNullGraphType<IntGraphType>>("rule").Description("The rule of the verification hierarchy that decided: 1 client, 2 lead, 3 call.").Resolve(c => c.Source.Rule);
        Field<NonNullGraphType<StringGraphType>>("ruleText").Resolve(c => c.Source.RuleText);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("verifiedAt").Resolve(c => c.Source.VerifiedAt);
        Field<NonNullGraphType<StringGraphType>>("verifiedBy").Description("Who verified it: a person's email, the partner app, or the 48-hour rule.").Resolve(c => c.Source.VerifiedBy);
        Field<StringGraphType>("note").Resolve(c => c.Source.Note);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("countedAt").Resolve(c => c.Source.EnteredAt);
        Field<IdGraphType>("replacesAppointmentId").Description("The appointment corrected out whose place this one fills.")
            .Resolve(c => c.Source.ReplacesAppointmentId is { } id ? GlobalId.Encode(Appointments.AppointmentGraphType.TypeName, id) : null);
        Field<UtcDateTimeGraphType>("removedAt").Description("When a correction took it out of the milestone (null: it counts).").Resolve(c => c.Source.RemovedAt);
        Field<StringGraphType>("removedReason").Resolve(c => c.Source.RemovedReason);
    }
}

public sealed class MilestoneGraphType : ObjectGraphType<Milestone>
{
    public const string TypeName = "Milestone";

    public MilestoneGraphType()
    {
        Name = TypeName;
        Description = "Every 25th (per client) shown appointment: milestone number = shown / size, billed once.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Milestone;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<NonNullGraphType<IntGraphType>>("number").Resolve(c => c.Source.Number);
        Field<NonNullGraphType<IntGraphType>>("shownCount").Description("Shown appointments when it was reached.").Resolve(c => c.Source.ShownCount);
        Field<NonNullGraphType<MoneyGraphType>>("amount").Resolve(c => BillingLoaders.Money(c, c.Source.ClientId, c.Source.Amount));
        Field<NonNullGraphType<EnumerationGraphType<MilestoneStatus>>>("status").Resolve(c => c.Source.Status);
        Field<InvoiceGraphType>("invoice").Resolve(c => c.Source.InvoiceId is { } id ? BillingLoaders.Invoice(c, id) : null);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("reachedAt").Resolve(c => c.Source.ReachedAt);
        Field<UtcDateTimeGraphType>("paidAt").Resolve(c => c.Source.PaidAt);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<NonNullGraphType<StringGraphType>>("evidenceUrl").Description("The portal's evidence page (also on the Stripe invoice); add /evidence.csv or /print.")
            .Resolve(c => BillingLoaders.EvidenceUrl(c, c.Source));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EvidenceEntryGraphType>>>>("evidence")
            .Description("Its appointments by place, then those corrected out of it (removedAt set). Batched.")
            .Resolve(c => new BillingLoaders.Mapped<MilestoneEvidenceSheet?, IEnumerable<EvidenceEntry>>(BillingLoaders.Evidence(c, c.Source),
                sheet => sheet is null ? [] : sheet.Counting.Concat(sheet.Removed)));
        Field<NonNullGraphType<IntGraphType>>("openPlaces").Description("Places a correction left that the next shown appointment fills.")
            .Resolve(c => new BillingLoaders.Mapped<MilestoneEvidenceSheet?, int>(BillingLoaders.Evidence(c, c.Source), sheet => sheet?.OpenPlaces ?? 0));
    }
}

public sealed class UsageRecordGraphType : ObjectGraphType<UsageRecord>
{
    public const string TypeName = "UsageRecord";

    public UsageRecordGraphType()
    {
        Name = TypeName;
        Description = "The billable minutes of one ended call, at the client's rate.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is UsageRecord;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<CallGraphType>("call").Resolve(c => BillingLoaders.Call(c, c.Source.CallLogId));
        Field<NonNullGraphType<IntGraphType>>("seconds").Resolve(c => c.Source.Seconds);
        Field<NonNullGraphType<BooleanGraphType>>("simulated").Description("The minutes of a simulated call (the sandbox): never invoiced.").Resolve(c => c.Source.Simulated);
        Field<NonNullGraphType<MoneyGraphType>>("ratePerMinute").Resolve(c => BillingLoaders.Money(c, c.Source.ClientId, c.Source.RatePerMinute));
        Field<NonNullGraphType<MoneyGraphType>>("cost").Description("seconds × rate / 60, unrounded (rounded once, on the invoice).")
            .Resolve(c => BillingLoaders.Money(c, c.Source.ClientId, c.Source.Cost));
        Field<NonNullGraphType<UtcDateTimeGraphType>>("occurredAt").Resolve(c => c.Source.OccurredAt);
        Field<InvoiceGraphType>("invoice").Description("The usage invoice that billed it; null while unbilled.")
            .Resolve(c => c.Source.InvoiceId is { } id ? BillingLoaders.Invoice(c, id) : null);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
    }
}

public sealed class BillingGraphType : ObjectGraphType<(UsagePeriod Usage, MilestoneProgress Milestones)>
{
    public BillingGraphType()
    {
        Name = "Billing";
        Description = "The client's billing now (the portal's billing page).";
        Field<NonNullGraphType<UsagePeriodGraphType>>("currentPeriod").Resolve(c => c.Source.Usage);
        Field<NonNullGraphType<MoneyGraphType>>("projectedInvoice")
            .Description("Every unbilled usage record (this month's and any late one), summed exactly and rounded to cents once: the next usage invoice if the month closed now.")
            .Resolve(c => new Money(c.Source.Usage.ProjectedCents / 100m, c.Source.Usage.Currency));
        Field<NonNullGraphType<IntGraphType>>("unbilledCalls").Resolve(c => c.Source.Usage.UnbilledCalls);
        Field<NonNullGraphType<MilestoneProgressGraphType>>("milestoneProgress").Resolve(c => c.Source.Milestones);
    }
}

public sealed class UsagePeriodGraphType : ObjectGraphType<UsagePeriod>
{
    public UsagePeriodGraphType()
    {
        Name = "UsagePeriod";
        Description = "The client's current local calendar month, by when calls ended.";
        Field<NonNullGraphType<DateOnlyGraphType>>("firstDay").Resolve(c => c.Source.FirstDay);
        Field<NonNullGraphType<DateOnlyGraphType>>("lastDay").Resolve(c => c.Source.LastDay);
        Field<NonNullGraphType<IntGraphType>>("calls").Resolve(c => c.Source.Calls);
        Field<NonNullGraphType<LongGraphType>>("seconds").Resolve(c => c.Source.Seconds);
        Field<NonNullGraphType<DecimalStringGraphType>>("minutes").Resolve(c => c.Source.Minutes);
        Field<NonNullGraphType<MoneyGraphType>>("cost").Description("Unrounded.").Resolve(c => new Money(c.Source.Cost, c.Source.Currency));
        Field<NonNullGraphType<MoneyGraphType>>("ratePerMinute").Resolve(c => new Money(c.Source.RatePerMinute, c.Source.Currency));
    }
}

public sealed class MilestoneProgressGraphType : ObjectGraphType<MilestoneProgress>
{
    public MilestoneProgressGraphType()
    {
        Name = "MilestoneProgress";
        Description = "Shown appointments toward the next milestone, from the milestone ledger.";
        Field<NonNullGraphType<IntGraphType>>("shown").Description("Shown appointments that count (simulated ones never do).").Resolve(c => c.Source.Shown);
        Field<NonNullGraphType<IntGraphType>>("size").Resolve(c => c.Source.Size);
        Field<NonNullGraphType<IntGraphType>>("reached").Description("The highest milestone number reached.").Resolve(c => c.Source.Reached);
        Field<NonNullGraphType<IntGraphType>>("next").Resolve(c => c.Source.Next);
        Field<NonNullGraphType<IntGraphType>>("towardNext").Description("Shown so far toward the next milestone (0 to size).").Resolve(c => c.Source.TowardNext);
        Field<NonNullGraphType<IntGraphType>>("openPlaces").Description("Places corrections left in milestones reached; the next shown appointments fill them first.").Resolve(c => c.Source.OpenPlaces);
        Field<NonNullGraphType<MoneyGraphType>>("amount").Description("What each milestone bills.").Resolve(c => new Money(c.Source.Amount, c.Source.Currency));
    }
}
