using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Callvia.Testing.Fakes;

/// <summary>
/// Stripe's API as Stripe.net 53.x speaks it (contracts/stripe.md): form-encoded POSTs with <c>Authorization: Bearer
/// sk_…</c>, JSON answers; customers (create, search by metadata), invoices (create as draft, list by customer, get,
/// add_lines, finalize, send, void), credit notes (create, list). Idempotency as Stripe does it: the first answer for an
/// <c>Idempotency-Key</c> is kept and replayed (header <c>Idempotent-Replayed: true</c>), also a 5xx; the same key
/// with other parameters is a 400 <c>idempotency_error</c>. Failures on demand: <see cref="FailNext"/> (a 5xx that was
/// not executed), <see cref="FailAfterExecutingNext"/> (executed, but answered 5xx), <see cref="FakeProviderServer.DelayNext"/>
/// (executed and answered late: the caller's timeout).
/// </summary>
public sealed class FakeStripe : FakeProviderServer
{
    public string ApiKey { get; private init; } = "sk_test_" + Guid.NewGuid().ToString("N");
    private readonly object _gate = new();
    private readonly Dictionary<string, JsonObject> _customers = new();
    private readonly Dictionary<string, JsonObject> _invoices = new();
    private readonly Dictionary<string, JsonObject> _creditNotes = new();
    private readonly Dictionary<string, (string Fingerprint, int Status, string Body)> _idempotent = new();
    private readonly ConcurrentQueue<int> _executedFailures = new();
    private int _number;

    public static async Task<FakeStripe> StartNewAsync(int port = 0, string? key = null)
    {
        var fake = key is null ? new FakeStripe() : new FakeStripe { ApiKey = key };
        await fake.StartAsync(port);
        return fake;
    }

    /// <summary>The next request is executed, then answered with this status (Stripe's 500 after doing the work).</summary>
    public void FailAfterExecutingNext(int status = 500) => _executedFailures.Enqueue(status);

    public IReadOnlyList<JsonObject> Customers { get { lock (_gate) return _customers.Values.Select(c => (JsonObject)c.DeepClone()).ToList(); } }
    public IReadOnlyList<JsonObject> Invoices { get { lock (_gate) return _invoices.Values.Select(c => (JsonObject)c.DeepClone()).ToList(); } }
    public IReadOnlyList<JsonObject> CreditNotes { get { lock (_gate) return _creditNotes.Values.Select(c => (JsonObject)c.DeepClone()).ToList(); } }
    /// <summary>The invoices Stripe emailed (each send), by invoice id.</summary>
    public IReadOnlyList<string> Sent { get { lock (_gate) return _sent.ToList(); } }
    private readonly List<string> _sent = [];

    protected override int SuccessStatus => 200;

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/customers", http => Handle(http, CreateCustomer));
        app.MapGet("/v1/customers/search", http => Handle(http, SearchCustomers));
        app.MapPost("/v1/invoices", http => Handle(http, CreateInvoice));
        app.MapGet("/v1/invoices", http => Handle(http, ListInvoices));
        app.MapGet("/v1/invoices/{id}", http => Handle(http, f => WithInvoice(http, inv => Ok(inv))));
        app.MapPost("/v1/invoices/{id}/add_lines", http => Handle(http, f => WithInvoice(http, inv => AddLines(inv, f))));
        app.MapPost("/v1/invoices/{id}/finalize", http => Handle(http, f => WithInvoice(http, Finalize)));
        app.MapPost("/v1/invoices/{id}/send", http => Handle(http, f => WithInvoice(http, Send)));
        app.MapPost("/v1/invoices/{id}/void", http => Handle(http, f => WithInvoice(http, Void)));
        app.MapPost("/v1/credit_notes", http => Handle(http, CreateCreditNote));
        app.MapGet("/v1/credit_notes", http => Handle(http, ListCreditNotes));
    }

    private async Task Handle(HttpContext http, Func<Dictionary<string, string>, (int Status, string Body)> execute)
    {
        var (raw, forced) = await ReceiveAsync(http, _ => http.Request.Headers.Authorization.ToString() == "Bearer " + ApiKey
            ? null
            : Results.Content(Error("invalid_request_error", "Invalid API Key provided."), "application/json", statusCode: 401));
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        var fingerprint = $"{http.Request.Method} {http.Request.Path} {raw}";
        (int Status, string Body) answer;
        var replayed = false;
        lock (_gate)
        {
            if (forced is not null)
            {
                answer = (0, "");
            }
            else if (key.Length > 0 && _idempotent.TryGetValue(key, out var kept))
            {
                answer = kept.Fingerprint == fingerprint
                    ? (kept.Status, kept.Body)
                    : (400, Error("idempotency_error", $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."));
                replayed = kept.Fingerprint == fingerprint;
            }
            else
            {
                var form = http.Request.Method == "GET"
                    ? http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString())
                    : QueryHelpers.ParseQuery(raw).ToDictionary(q => q.Key, q => q.Value.ToString());
                answer = execute(form);
                if (_executedFailures.TryDequeue(out var status)) answer = (status, Error("api_error", "An unknown error occurred."));
                if (key.Length > 0 && http.Request.Method == "POST" && answer.Status != 400 || key.Length > 0 && answer.Status >= 500)
                    _idempotent[key] = (fingerprint, answer.Status, answer.Body);
            }
        }
        if (forced is not null)
        {
            // a 5xx Stripe gave before executing: kept for the key as well (Stripe replays it)
            if (key.Length > 0 && forced is IStatusCodeHttpResult { StatusCode: >= 500 } failed)
                lock (_gate) _idempotent.TryAdd(key, (fingerprint, failed.StatusCode!.Value, Error("api_error", "An unknown error occurred.")));
            await forced.ExecuteAsync(http);
            return;
        }
        if (replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        http.Response.Headers["Request-Id"] = "req_" + Guid.NewGuid().ToString("N")[..14];
        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.Body);
    }

    private static (int, string) Ok(JsonObject o) => (200, o.ToJsonString());

    public static string Error(string type, string message) =>
        new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["message"] = message } }.ToJsonString();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static JsonObject Metadata(Dictionary<string, string> form)
    {
        var m = new JsonObject();
        foreach (var (k, v) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
            m[k["metadata[".Length..^1]] = v;
        return m;
    }

    private (int, string) CreateCustomer(Dictionary<string, string> f)
    {
        var id = "cus_" + Guid.NewGuid().ToString("N")[..14];
        var c = new JsonObject
        {
            ["id"] = id, ["object"] = "customer", ["email"] = f.GetValueOrDefault("email"), ["name"] = f.GetValueOrDefault("name"),
            ["metadata"] = Metadata(f), ["created"] = Now, ["livemode"] = false,
        };
        _customers[id] = c;
        return Ok(c);
    }

    private (int, string) SearchCustomers(Dictionary<string, string> f)
    {
        // metadata['key']:'value'
        var q = f.GetValueOrDefault("query") ?? "";
        var m = System.Text.RegularExpressions.Regex.Match(q, @"^metadata\['([^']+)'\]:'([^']*)'$");
        if (!m.Success) return (400, Error("invalid_request_error", "Invalid search query."));
        var found = _customers.Values.Where(c => c["metadata"]?[m.Groups[1].Value]?.GetValue<string>() == m.Groups[2].Value).Select(c => c.DeepClone()).ToArray();
        return Ok(new JsonObject { ["object"] = "search_result", ["data"] = new JsonArray(found), ["has_more"] = false, ["url"] = "/v1/customers/search" });
    }

    private (int, string) CreateInvoice(Dictionary<string, string> f)
    {
        var customer = f.GetValueOrDefault("customer");
        if (customer is null || !_customers.ContainsKey(customer)) return (400, Error("invalid_request_error", $"No such customer: '{customer}'"));
        if (f.GetValueOrDefault("collection_method") == "send_invoice" && !f.ContainsKey("days_until_due") && !f.ContainsKey("due_date"))
            return (400, Error("invalid_request_error", "Missing required param: days_until_due."));
        var id = "in_" + Guid.NewGuid().ToString("N")[..14];
        var inv = new JsonObject
        {
            ["id"] = id, ["object"] = "invoice", ["customer"] = customer, ["status"] = "draft", ["currency"] = f.GetValueOrDefault("currency") ?? "usd",
            ["collection_method"] = f.GetValueOrDefault("collection_method") ?? "charge_automatically", ["description"] = f.GetValueOrDefault("description"),
            ["auto_advance"] = f.GetValueOrDefault("auto_advance") == "true", ["amount_due"] = 0, ["amount_paid"] = 0, ["amount_remaining"] = 0,
            ["total"] = 0, ["subtotal"] = 0, ["number"] = null, ["hosted_invoice_url"] = null, ["metadata"] = Metadata(f),
            ["lines"] = new JsonObject { ["object"] = "list", ["data"] = new JsonArray(), ["has_more"] = false, ["url"] = $"/v1/invoices/{id}/lines" },
            ["status_transitions"] = new JsonObject { ["finalized_at"] = null, ["paid_at"] = null, ["voided_at"] = null },
            ["created"] = Now, ["livemode"] = false,
        };
        _invoices[id] = inv;
        return Ok(inv);
    }

    private (int, string) ListInvoices(Dictionary<string, string> f)
    {
        var customer = f.GetValueOrDefault("customer");
        var found = _invoices.Values.Where(i => customer is null || i["customer"]!.GetValue<string>() == customer).Select(i => i.DeepClone()).ToArray();
        return Ok(new JsonObject { ["object"] = "list", ["data"] = new JsonArray(found), ["has_more"] = false, ["url"] = "/v1/invoices" });
    }

    private (int, string) ListCreditNotes(Dictionary<string, string> f)
    {
        var invoice = f.GetValueOrDefault("invoice");
        var found = _creditNotes.Values.Where(c => invoice is null || c["invoice"]!.GetValue<string>() == invoice).Select(c => c.DeepClone()).ToArray();
        return Ok(new JsonObject { ["object"] = "list", ["data"] = new JsonArray(found), ["has_more"] = false, ["url"] = "/v1/credit_notes" });
    }

    private (int, string) WithInvoice(HttpContext http, Func<JsonObject, (int, string)> work)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        return _invoices.TryGetValue(id, out var inv) ? work(inv) : (404, Error("invalid_request_error", $"No such invoice: '{id}'"));
    }

    private static (int, string) AddLines(JsonObject inv, Dictionary<string, string> f)
    {
        if (inv["status"]!.GetValue<string>() != "draft") return (400, Error("invalid_request_error", "You can only add lines to a draft invoice."));
        var data = inv["lines"]!["data"]!.AsArray();
        for (var i = 0; f.ContainsKey($"lines[{i}][amount]") || f.ContainsKey($"lines[{i}][description]"); i++)
        {
            if (!long.TryParse(f.GetValueOrDefault($"lines[{i}][amount]"), out var amount))
                return (400, Error("invalid_request_error", $"Invalid integer: lines[{i}][amount]"));
            data.Add(new JsonObject
            {
                ["id"] = "il_" + Guid.NewGuid().ToString("N")[..14], ["object"] = "line_item", ["amount"] = amount,
                ["currency"] = inv["currency"]!.GetValue<string>(), ["description"] = f.GetValueOrDefault($"lines[{i}][description]"),
            });
        }
        var total = data.Sum(l => l!["amount"]!.GetValue<long>());
        inv["amount_due"] = total; inv["amount_remaining"] = total; inv["total"] = total; inv["subtotal"] = total;
        return Ok(inv);
    }

    private (int, string) Finalize(JsonObject inv)
    {
        if (inv["status"]!.GetValue<string>() != "draft") return (400, Error("invalid_request_error", "This invoice is already finalized, you can't re-finalize a non-draft invoice."));
        var id = inv["id"]!.GetValue<string>();
        inv["status"] = "open";
        inv["number"] = $"CV-{Interlocked.Increment(ref _number):0000}";
        inv["hosted_invoice_url"] = $"https://invoice.stripe.com/i/acct_test/{id}";
        inv["invoice_pdf"] = $"https://pay.stripe.com/invoice/acct_test/{id}/pdf";
        inv["status_transitions"]!["finalized_at"] = Now;
        return Ok(inv);
    }

    private (int, string) Send(JsonObject inv)
    {
        if (inv["status"]!.GetValue<string>() != "open") return (400, Error("invalid_request_error", "You can only send an open invoice."));
        _sent.Add(inv["id"]!.GetValue<string>());
        return Ok(inv);
    }

    private static (int, string) Void(JsonObject inv)
    {
        if (inv["status"]!.GetValue<string>() != "open") return (400, Error("invalid_request_error", $"You can only void an open invoice; this one is {inv["status"]}."));
        inv["status"] = "void";
        inv["status_transitions"]!["voided_at"] = Now;
        return Ok(inv);
    }

    private (int, string) CreateCreditNote(Dictionary<string, string> f)
    {
        var invoiceId = f.GetValueOrDefault("invoice") ?? "";
        if (!_invoices.TryGetValue(invoiceId, out var inv)) return (400, Error("invalid_request_error", $"No such invoice: '{invoiceId}'"));
        if (inv["status"]!.GetValue<string>() is not ("paid" or "open")) return (400, Error("invalid_request_error", "Credit notes can only be issued on open or paid invoices."));
        if (!long.TryParse(f.GetValueOrDefault("amount"), out var amount) || amount <= 0) return (400, Error("invalid_request_error", "Invalid amount."));
        var credited = _creditNotes.Values.Where(c => c["invoice"]!.GetValue<string>() == invoiceId).Sum(c => c["amount"]!.GetValue<long>());
        if (credited + amount > inv["total"]!.GetValue<long>())
            return (400, Error("invalid_request_error", "The sum of credit amount, refund amount and out of band amount must not exceed the invoice's total."));
        var id = "cn_" + Guid.NewGuid().ToString("N")[..14];
        var note = new JsonObject
        {
            ["id"] = id, ["object"] = "credit_note", ["invoice"] = invoiceId, ["amount"] = amount, ["currency"] = inv["currency"]!.GetValue<string>(),
            ["memo"] = f.GetValueOrDefault("memo"), ["status"] = "issued", ["metadata"] = Metadata(f), ["created"] = Now,
        };
        _creditNotes[id] = note;
        return Ok(note);
    }

    /// <summary>What a customer paying it does in Stripe (the webhook is the test's to send).</summary>
    public JsonObject MarkPaid(string invoiceId)
    {
        lock (_gate)
        {
            var inv = _invoices[invoiceId];
            inv["status"] = "paid";
            inv["amount_paid"] = inv["amount_due"]!.GetValue<long>();
            inv["amount_remaining"] = 0;
            inv["status_transitions"]!["paid_at"] = Now;
            return (JsonObject)inv.DeepClone();
        }
    }
}
