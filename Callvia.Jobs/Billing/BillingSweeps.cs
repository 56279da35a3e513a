using Callvia.Core.Billing;
using Callvia.Core.Tenancy;
using Hangfire;
using Npgsql;

namespace Callvia.Jobs.Billing;

/// <summary>
/// The month close, every 15 minutes: each client whose local month has turned (the first of the month, in its time
/// zone) and that has usage to bill for the month before is closed in its own tenant scope
/// (<see cref="UsageInvoices.CloseAsync"/>: one invoice per client and month, exactly once, also when two instances run
/// it), then its invoice is made in Stripe at once (<see cref="InvoiceIssuer"/>; the issuing sweep retries what fails).
/// </summary>
public sealed class MonthCloseSweep(IServiceScopeFactory scopes, NpgsqlDataSource dataSource, TenantStore tenants, TimeProvider clock,
    ILogger<MonthCloseSweep> logger)
{
    public const string RecurringId = "billing-month-close";
    public const int ClientsAtOnce = 2;

    /// <summary>What a run did: clients due, usage invoices recorded (and their cents), how long recording took and how long making them in Stripe.</summary>
    public sealed record Result(int Clients, int Invoices, long Cents, TimeSpan Recording, TimeSpan Issuing);

    [DisableConcurrentExecution(3600)]
    public async Task<Result> RunAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var clients = new List<Guid>();
        await using (var cmd = dataSource.CreateCommand("SELECT app_clients_due_for_close($1)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) clients.Add(reader.GetGuid(0));
        }
        int invoices = 0;
        long cents = 0;
        var made = new System.Collections.Concurrent.ConcurrentBag<(TenantInfo Tenant, Guid Invoice)>();
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = ClientsAtOnce, CancellationToken = ct }, async (clientId, token) =>
        {
            if (await tenants.FindByIdAsync(clientId, token) is not { } tenant) return;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
                if (await scope.ServiceProvider.GetRequiredService<UsageInvoices>().CloseAsync(token) is { } invoice)
                {
                    Interlocked.Increment(ref invoices);
                    Interlocked.Add(ref cents, invoice.AmountCents);
                    if (!invoice.Simulated) made.Add((tenant, invoice.Id));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Closing the month of client {ClientId} failed; the next run tries again", clientId);
            }
        });
        var recording = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (invoices > 0)
            logger.LogInformation("Month close: {Invoices} usage invoices recorded for {Clients} clients due, {Cents} cents in all, in {Seconds:F1} s",
                invoices, clients.Count, cents, recording.TotalSeconds);
        var issuing = System.Diagnostics.Stopwatch.GetTimestamp();
        await InvoiceIssueSweep.IssueAsync(scopes, made.ToList(), logger, ct);
        return new(clients.Count, invoices, cents, recording, System.Diagnostics.Stopwatch.GetElapsedTime(issuing));
    }
}

/// <summary>
/// Every minute: the invoices recorded but not yet made in Stripe (a milestone just reached, a close whose Stripe calls
/// failed, an instance that crashed half-way) are made, each in its tenant scope, resuming at the step they reached,
/// under the same idempotency keys.
/// </summary>
public sealed class InvoiceIssueSweep(IServiceScopeFactory scopes, NpgsqlDataSource dataSource, TenantStore tenants, ILogger<InvoiceIssueSweep> logger)
{
    public const string RecurringId = "billing-issue-invoices";
    public const int Batch = 200;

    [DisableConcurrentExecution(600)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var due = new List<(Guid Client, Guid Invoice)>();
        await using (var cmd = dataSource.CreateCommand("SELECT client_id, invoice_id FROM app_invoices_to_issue($1)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Batch });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) due.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }
        var work = new List<(TenantInfo, Guid)>();
        foreach (var (client, invoice) in due)
            if (await tenants.FindByIdAsync(client, ct) is { } tenant) work.Add((tenant, invoice));
        return await IssueAsync(scopes, work, logger, ct);
    }

    /// <summary>Makes each invoice in Stripe in its tenant's scope, a few at once; returns how many were issued completely.</summary>
    internal static async Task<int> IssueAsync(IServiceScopeFactory scopes, IReadOnlyList<(TenantInfo Tenant, Guid Invoice)> work, ILogger logger, CancellationToken ct)
    {
        var issued = 0;
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (item, token) =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(item.Tenant);
                if (await scope.ServiceProvider.GetRequiredService<InvoiceIssuer>().IssueAsync(item.Invoice, token) == InvoiceIssuer.Outcome.Issued)
                    Interlocked.Increment(ref issued);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Making invoice {InvoiceId} in Stripe failed; the next run tries again", item.Invoice);
            }
        });
        return issued;
    }
}
