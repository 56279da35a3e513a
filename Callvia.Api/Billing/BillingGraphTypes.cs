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
