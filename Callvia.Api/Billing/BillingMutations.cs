using Callvia.Api.GraphQL;
using Callvia.Api.Identity;
using Callvia.Api.Leads;
using Callvia.Core.Billing;
using GraphQL;
using GraphQL.Types;

namespace Callvia.Api.Billing;

public sealed record InvoicePayload(Invoice? Invoice, IReadOnlyList<UserError> Errors)
{
    public static InvoicePayload From(InvoiceActions.Result r) =>
        new(r.Invoice, r.Issues.Select(i => new UserError(i.Field, i.Message, i.Code)).ToList());
}

public sealed class InvoicePayloadGraphType : ObjectGraphType<InvoicePayload>
{
    public InvoicePayloadGraphType()
    {
        Name = "InvoicePayload";
        Field<InvoiceGraphType>("invoice").Resolve(c => c.Source.Invoice);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary><c>voidInvoice</c>, <c>creditInvoice</c>, <c>retryInvoice</c>: the agency's, audited (Core's <see cref="InvoiceActions"/>).</summary>
public static class BillingMutations
{
    public static void Add(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<InvoicePayloadGraphType>>("voidInvoice")
            .Description("Agency only: voids an open or failed invoice (in Stripe, then here; its milestone becomes VOID). Audited with the reason.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<StringGraphType>>("reason")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAgency(ctx, "void invoices");
                return Id(ctx) is { } id
                    ? InvoicePayload.From(await Actions(ctx).VoidAsync(id, ctx.GetArgument<string>("reason"), ctx.CancellationToken))
                    : NotAnInvoice;
            });

        mutation.Field<NonNullGraphType<InvoicePayloadGraphType>>("creditInvoice")
            .Description("Agency only: credits part or all of a paid invoice (a Stripe credit note to the client's balance). Audited with the reason.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<DecimalStringGraphType>>("amount", "In the invoice's currency, two decimals at most; at most what is left uncredited.")
            .Argument<NonNullGraphType<StringGraphType>>("reason")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAgency(ctx, "credit invoices");
                return Id(ctx) is { } id
                    ? InvoicePayload.From(await Actions(ctx).CreditAsync(id, ctx.GetArgument<decimal>("amount"), ctx.GetArgument<string>("reason"), ctx.CancellationToken))
                    : NotAnInvoice;
            });

        mutation.Field<NonNullGraphType<InvoicePayloadGraphType>>("retryInvoice")
            .Description("Agency only: an invoice whose making in Stripe was given up is taken again by the issuing job, from its step, under its keys. Audited.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                Callers.RequireAgency(ctx, "retry invoices");
                return Id(ctx) is { } id ? InvoicePayload.From(await Actions(ctx).RetryAsync(id, ctx.CancellationToken)) : NotAnInvoice;
            });
    }

    private static readonly InvoicePayload NotAnInvoice = new(null, [new UserError("id", "Not an invoice id.", "NOT_FOUND")]);

    private static Guid? Id(IResolveFieldContext ctx) => GlobalId.Decode(ctx.GetArgument<string>("id"), InvoiceGraphType.TypeName);

    private static InvoiceActions Actions(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<InvoiceActions>();
}
