using Callvia.Api.GraphQL;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using GraphQL;
using GraphQL.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Billing;

/// <summary>
/// Batched lookups for the billing types and <c>Call.usage</c>: one statement per kind for a whole page, through the
/// request's DbContext (tenant filters and row-level security apply).
/// </summary>
public static class BillingLoaders
{
    public static IDataLoaderResult<Invoice?> Invoice(IResolveFieldContext ctx, Guid id) =>
        Loaders.Get<Guid, Invoice>(ctx, "invoice", (db, ids, ct) => db.Invoices.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct)).Load(id);

    public static IDataLoaderResult<Milestone?> MilestoneOfInvoice(IResolveFieldContext ctx, Guid invoiceId) =>
        Loaders.Get<Guid, Milestone>(ctx, "milestoneOfInvoice", async (db, ids, ct) => (await db.Milestones.AsNoTracking()
            .Where(m => m.InvoiceId != null && ids.Contains(m.InvoiceId.Value)).ToListAsync(ct)).ToDictionary(m => m.InvoiceId!.Value)).Load(invoiceId);

    public static IDataLoaderResult<CallLog?> Call(IResolveFieldContext ctx, Guid id) =>
        Loaders.Get<Guid, CallLog>(ctx, "call", (db, ids, ct) => db.CallLogs.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct)).Load(id);

    public static IDataLoaderResult<UsageRecord?> UsageOfCall(IResolveFieldContext ctx, Guid callId) =>
        Loaders.Get<Guid, UsageRecord>(ctx, "usageOfCall", (db, ids, ct) => db.UsageRecords.AsNoTracking().Where(u => ids.Contains(u.CallLogId)).ToDictionaryAsync(u => u.CallLogId, ct)).Load(callId);

    public static IDataLoaderResult<List<InvoiceLine>?> Lines(IResolveFieldContext ctx, Guid invoiceId) =>
        Loaders.Get<Guid, List<InvoiceLine>>(ctx, "invoiceLines", async (db, ids, ct) =>
        {
            var byInvoice = (await db.InvoiceLines.AsNoTracking().Where(l => ids.Contains(l.InvoiceId))
                .OrderBy(l => l.Position).ToListAsync(ct)).ToLookup(l => l.InvoiceId);
            return ids.ToDictionary(id => id, id => byInvoice[id].ToList());
        }).Load(invoiceId);

    /// <summary>Milestones' evidence (Core's <see cref="MilestoneEvidence"/>): a few statements for all the milestones of a request.</summary>
    public static IDataLoaderResult<MilestoneEvidenceSheet?> Evidence(IResolveFieldContext ctx, Milestone milestone)
    {
        var evidence = ctx.RequestServices!.GetRequiredService<MilestoneEvidence>();
        return Loaders.Get<Guid, MilestoneEvidenceSheet>(ctx, "milestoneEvidence", async (db, ids, ct) =>
        {
            var milestones = await db.Milestones.AsNoTracking().Where(m => ids.Contains(m.Id)).ToListAsync(ct);
            var sheets = new Dictionary<Guid, MilestoneEvidenceSheet>();
            foreach (var ofClient in milestones.GroupBy(m => m.ClientId))
                foreach (var sheet in await evidence.ForAsync(ofClient.ToList(), ct)) sheets[sheet.Milestone.Id] = sheet;
            return sheets;
        }).Load(milestone.Id);
    }

    /// <summary>The portal address of a milestone's evidence (<see cref="BillingLinks"/>, the one on the Stripe invoice).</summary>
    public static IDataLoaderResult<string> EvidenceUrl(IResolveFieldContext ctx, Milestone milestone)
    {
        var links = ctx.RequestServices!.GetRequiredService<BillingLinks>();
        return new Mapped<string?, string>(Loaders.Get<Guid, string>(ctx, "clientSlug", (db, ids, ct) =>
                db.Clients.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Slug, ct)).Load(milestone.ClientId),
            slug => links.MilestoneEvidence(slug ?? "", milestone.Number));
    }

    /// <summary>An amount in the client's currency (read once per request).</summary>
    public static IDataLoaderResult<Money> Money(IResolveFieldContext ctx, Guid clientId, decimal amount) =>
        new Mapped<string?, Money>(Loaders.Get<Guid, string>(ctx, "clientCurrency", (db, ids, ct) =>
            db.Clients.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Currency, ct)).Load(clientId),
            currency => new Money(amount, currency ?? "usd"));

    /// <summary>A loader's result passed through a function (graphql-dotnet 8 has no <c>Then</c> for these).</summary>
    public sealed class Mapped<TIn, TOut>(IDataLoaderResult<TIn> inner, Func<TIn, TOut> map) : IDataLoaderResult<TOut>
    {
        public async Task<TOut> GetResultAsync(CancellationToken cancellationToken = default) => map(await inner.GetResultAsync(cancellationToken));

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
