using System.Net;
using Microsoft.Extensions.Options;
using Stripe;

namespace Callvia.Core.Billing;

/// <summary>
/// The Stripe calls billing makes, through Stripe.net against <see cref="StripeOptions.ApiBase"/>. Every call that
/// creates or changes something carries the caller's deterministic idempotency key (<see cref="Keys"/>): Stripe answers a
/// repeated key with the first answer, so a retry after a crash, a timeout or a 5xx makes nothing twice. Stripe.net's
/// own retries reuse the same key.
/// </summary>
public sealed class StripeGateway(IOptions<StripeOptions> options)
{
    private readonly Lazy<StripeClient> _client = new(() =>
    {
        var o = options.Value;
        var http = new HttpClient { Timeout = o.Timeout };
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = o.ApiKey,
            ApiBase = o.ApiBase.TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(http, o.NetworkRetries, appInfo: null, enableTelemetry: false),
        });
    });

    public bool IsConfigured => options.Value.IsConfigured;

    private StripeClient Client => IsConfigured ? _client.Value : throw new InvalidOperationException("Stripe is not configured.");

    /// <summary>The idempotency keys: the client, what is made (usage of a period, a milestone by number) and the step.</summary>
    public static class Keys
    {
        public static string Customer(Guid clientId, int round = 0) => $"callvia-{clientId:N}-customer{Round(round)}";
        public static string Of(Invoice invoice, string step) => (invoice.Kind == InvoiceKind.Usage
            ? $"callvia-{invoice.ClientId:N}-usage-{invoice.Period}-{step}"
            : $"callvia-{invoice.ClientId:N}-milestone-{invoice.MilestoneNumber}-{step}") + Round(invoice.StripeKeyRound);
        private static string Round(int round) => round == 0 ? "" : $"-r{round}";
    }

    public async Task<string> CreateCustomerAsync(Guid clientId, string slug, string name, string? email, int round, CancellationToken ct)
    {
        var customer = await new CustomerService(Client).CreateAsync(new CustomerCreateOptions
        {
            Name = name,
            Email = email,
            Metadata = new() { ["client_id"] = clientId.ToString(), ["slug"] = slug },
        }, new RequestOptions { IdempotencyKey = Keys.Customer(clientId, round) }, ct);
        return customer.Id;
    }

    /// <summary>The customer made for the client, if there is one (after a 5xx left it unknown whether it was made).</summary>
    public async Task<string?> FindCustomerAsync(Guid clientId, CancellationToken ct)
    {
        var found = await new CustomerService(Client).SearchAsync(new CustomerSearchOptions { Query = $"metadata['client_id']:'{clientId}'" }, cancellationToken: ct);
        return found.Data.FirstOrDefault()?.Id;
    }

    /// <summary>The customer's Stripe invoice made for this invoice, if there is one (by the invoice_id in its metadata).</summary>
    public async Task<global::Stripe.Invoice?> FindInvoiceAsync(string customerId, Invoice invoice, CancellationToken ct)
    {
        await foreach (var made in new InvoiceService(Client).ListAutoPagingAsync(new InvoiceListOptions { Customer = customerId, Limit = 100 }, cancellationToken: ct))
            if (made.Metadata?.GetValueOrDefault("invoice_id") == invoice.Id.ToString()) return made;
        return null;
    }

    public Task<global::Stripe.Invoice> GetInvoiceAsync(Invoice invoice, CancellationToken ct) =>
        new InvoiceService(Client).GetAsync(invoice.StripeInvoiceId!, cancellationToken: ct);

    public Task<global::Stripe.Invoice> CreateInvoiceAsync(Invoice invoice, string customerId, Dictionary<string, string> metadata, CancellationToken ct) =>
        new InvoiceService(Client).CreateAsync(new InvoiceCreateOptions
        {
            Customer = customerId,
            Currency = invoice.Currency,
            CollectionMethod = "send_invoice",
            DaysUntilDue = options.Value.DaysUntilDue,
            AutoAdvance = false,
            PendingInvoiceItemsBehavior = "exclude",
            Description = invoice.Description,
            Metadata = metadata,
        }, new RequestOptions { IdempotencyKey = Keys.Of(invoice, "invoice") }, ct);

    public Task<global::Stripe.Invoice> AddLinesAsync(Invoice invoice, IEnumerable<InvoiceLine> lines, CancellationToken ct) =>
        new InvoiceService(Client).AddLinesAsync(invoice.StripeInvoiceId!, new InvoiceAddLinesOptions
        {
            Lines = lines.Select(l => new InvoiceLineOptions
            {
                Amount = l.AmountCents,
                Description = l.Description,
                Metadata = new() { ["line_id"] = l.Id.ToString() },
            }).ToList(),
        }, new RequestOptions { IdempotencyKey = Keys.Of(invoice, "lines") }, ct);

    public Task<global::Stripe.Invoice> FinalizeAsync(Invoice invoice, CancellationToken ct) =>
        new InvoiceService(Client).FinalizeInvoiceAsync(invoice.StripeInvoiceId!, new InvoiceFinalizeOptions { AutoAdvance = false },
            new RequestOptions { IdempotencyKey = Keys.Of(invoice, "finalize") }, ct);

    public Task<global::Stripe.Invoice> SendAsync(Invoice invoice, CancellationToken ct) =>
        new InvoiceService(Client).SendInvoiceAsync(invoice.StripeInvoiceId!, new InvoiceSendOptions(),
            new RequestOptions { IdempotencyKey = Keys.Of(invoice, "send") }, ct);

    public Task<global::Stripe.Invoice> VoidAsync(Invoice invoice, CancellationToken ct) =>
        new InvoiceService(Client).VoidInvoiceAsync(invoice.StripeInvoiceId!, new InvoiceVoidOptions(),
            new RequestOptions { IdempotencyKey = Keys.Of(invoice, "void") }, ct);

    /// <summary>A credit note for <paramref name="cents"/> of a paid invoice, credited to the customer's balance (the next invoice uses it).</summary>
    public Task<CreditNote> CreditAsync(Invoice invoice, long cents, string memo, CancellationToken ct) =>
        new CreditNoteService(Client).CreateAsync(new CreditNoteCreateOptions
        {
            Invoice = invoice.StripeInvoiceId,
            Amount = cents,
            CreditAmount = cents,
            Memo = memo,
            Metadata = new() { ["client_id"] = invoice.ClientId.ToString(), ["invoice_id"] = invoice.Id.ToString() },
        }, new RequestOptions { IdempotencyKey = Keys.Of(invoice, $"credit-{invoice.CreditedCents}-{cents}") }, ct);

    /// <summary>What Stripe holds credited on the invoice: the sum of its credit notes that are not void.</summary>
    public async Task<long> CreditedAsync(Invoice invoice, CancellationToken ct)
    {
        var notes = await new CreditNoteService(Client).ListAsync(new CreditNoteListOptions { Invoice = invoice.StripeInvoiceId, Limit = 100 }, cancellationToken: ct);
        return notes.Data.Where(n => n.Status != "void").Sum(n => n.Amount);
    }

    /// <summary>
    /// Worth trying again later under the same keys: a timeout, a connection failure, Stripe's 5xx, 409 (a request with
    /// the key still in progress) or 429. Anything else (a 4xx: Stripe refused the request as it is) is not.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        StripeException s => s.HttpStatusCode is HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests || (int)s.HttpStatusCode >= 500 || s.HttpStatusCode == 0,
        HttpRequestException or TaskCanceledException or TimeoutException => true,
        _ => false,
    };

    /// <summary>What to record of a failure: Stripe's message, never a key.</summary>
    public static string Describe(Exception e) => e switch
    {
        StripeException s => $"Stripe answered {(int)s.HttpStatusCode}: {s.StripeError?.Message ?? s.Message}",
        TaskCanceledException or TimeoutException => "Stripe did not answer in time.",
        HttpRequestException h => $"Stripe could not be reached ({h.HttpRequestError}).",
        _ => e.Message,
    } is var text && text.Length > 1900 ? text[..1900] : text;
}
