using Callvia.Core.Appointments;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Hangfire;
using Npgsql;

namespace Callvia.Jobs.Appointments;

/// <summary>
/// The 48-hour rule (design "Show verification"), every 5 minutes: each client with appointments still booked 48 hours
/// after their end is visited in its own tenant scope, where <see cref="AppointmentVerification.VerifyDueAsync"/>
/// decides them in batches (locked rows, one transaction each: a crash leaves them booked, to be decided by the next run;
/// two instances take different rows); a milestone a batch reaches has its invoice made in Stripe right after. Clients are visited a few at once.
/// </summary>
public sealed class VerificationSweep(IServiceScopeFactory scopes, NpgsqlDataSource dataSource, TenantStore tenants, TimeProvider clock,
    ILogger<VerificationSweep> logger)
{
    public const string RecurringId = "verification-sweep";
    public const int BatchSize = 1000;
    public const int ClientsAtOnce = 2;

    [DisableConcurrentExecution(600)]
    public async Task<AppointmentVerification.SweepResult> RunAsync(CancellationToken ct)
    {
        var clients = new List<Guid>();
        await using (var cmd = dataSource.CreateCommand("SELECT app_clients_with_due_verifications($1)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() - ReminderSchedule.VerifyAfter });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) clients.Add(reader.GetGuid(0));
        }
        int verified = 0, shown = 0, noShows = 0;
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = ClientsAtOnce, CancellationToken = ct }, async (clientId, token) =>
        {
            if (await tenants.FindByIdAsync(clientId, token) is not { } tenant) return;
            try
            {
                AppointmentVerification.SweepResult batch;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
                    batch = await scope.ServiceProvider.GetRequiredService<AppointmentVerification>().VerifyDueAsync(BatchSize, token);
                    Interlocked.Add(ref verified, batch.Verified);
                    Interlocked.Add(ref shown, batch.Shown);
                    Interlocked.Add(ref noShows, batch.NoShows);
                    // a milestone these reached: its invoice is made in Stripe now (the issuing sweep retries what fails)
                    if (batch.Milestones is { Count: > 0 } reached)
                        await Jobs.Billing.InvoiceIssueSweep.IssueAsync(scopes,
                            [.. reached.Where(m => m.InvoiceId is not null).Select(m => (tenant, m.InvoiceId!.Value))], logger, token);
                } while (batch.Verified == BatchSize);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Verifying the due appointments of client {ClientId} failed; the next run tries again", clientId);
            }
        });
        if (verified > 0) logger.LogInformation("Verified {Verified} appointments by the 48-hour rule: {Shown} shown, {NoShows} no-shows", verified, shown, noShows);
        return new(verified, shown, noShows);
    }
}
