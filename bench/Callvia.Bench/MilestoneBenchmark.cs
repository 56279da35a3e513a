using System.Diagnostics;
using Callvia.Core;
using Callvia.Core.Appointments;
using Callvia.Core.Billing;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Callvia.Bench;

/// <summary>
/// bench/billing.sh, second part (issue 16): milestone detection at scale. <c>milestones-seed</c> gives one client
/// 100,000 shown appointments already counted into 4,000 milestones (with their invoices), 1,000 of them corrected
/// out over time (their places filled by later ones), and 3,000 appointments that ended yesterday, still booked.
/// <c>milestones</c> then verifies those one at a time, as the services do: 2,000 by the ledger's counting alone, timed
/// around <see cref="MilestoneLedger.CountAsync"/> inside the verifying transaction (the detection's cost per
/// verification, every 25th making a milestone and its invoice), and 1,000 through the client's answer
/// (<see cref="AppointmentVerification.RecordClientAnswerAsync"/>, the whole verification, for context). Checks that the
/// ledger stayed consistent: as many counting entries as shown appointments, 25 in each milestone, one invoice each.
/// </summary>
public static class MilestoneBenchmark
{
    private const int Size = 25;

    public static async Task<int> SeedAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var shown = int.Parse(o.GetValueOrDefault("shown", "100000"));
        var corrected = int.Parse(o.GetValueOrDefault("corrected", "1000"));
        var pending = int.Parse(o.GetValueOrDefault("pending", "3000"));
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        await using var conn = await super.OpenConnectionAsync();
        var watch = Stopwatch.StartNew();
        var client = Guid.CreateVersion7();
        var campaign = Guid.CreateVersion7();
        await using (var cmd = new NpgsqlCommand($"""
            INSERT INTO clients (id, slug, name, status, time_zone, default_region, rate_per_minute, milestone_size, milestone_amount, currency, billing_email, created_at, updated_at)
            VALUES ('{client}', 'bench-m', 'Bench Milestones', 'active', 'America/New_York', 'US', 0.2, {Size}, 2000, 'usd', 'billing@bench-m.example', now(), now());
            INSERT INTO campaigns (id, client_id, name, status, call_window_start, call_window_end, max_concurrent_calls, max_attempts, created_at, updated_at)
            VALUES ('{campaign}', '{client}', 'Spring recall', 'active', '09:00', '17:00', 1, 1, now(), now());
            """, conn))
            await cmd.ExecuteNonQueryAsync();

        var start = DateTime.UtcNow.AddDays(-400);
        var milestones = shown / Size;
        var appointments = new List<(Guid Id, string Status, DateTime Ends, DateTime? Verified)>();
        // the counted ones (oldest verification first), the corrected ones spread among them, then the pending ones
        for (var n = 0; n < shown + corrected; n++)
        {
            var ends = start.AddMinutes(n * 5);
            appointments.Add((Guid.CreateVersion7(), n % ((shown + corrected) / Math.Max(1, corrected)) == 7 && corrected > 0 ? "no_show" : "shown", ends, ends.AddHours(2)));
        }
        var yesterday = DateTime.UtcNow.AddDays(-1);
        for (var n = 0; n < pending; n++)
            appointments.Add((Guid.CreateVersion7(), "booked", yesterday.AddSeconds(-n), null));
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY appointments (id, client_id, campaign_id, provider_booking_uid, title, starts_at, ends_at, status, booked_at,
                               verification_source, verified_at, verified_by, created_at, updated_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            foreach (var a in appointments)
            {
                await w.StartRowAsync();
                await w.WriteAsync(a.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(client, NpgsqlDbType.Uuid);
                await w.WriteAsync(campaign, NpgsqlDbType.Uuid);
                await w.WriteAsync($"bench_m_{a.Id:N}", NpgsqlDbType.Varchar);
                await w.WriteAsync("Consultation", NpgsqlDbType.Varchar);
                await w.WriteAsync(a.Ends.AddMinutes(-30), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(a.Ends, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(a.Status, NpgsqlDbType.Varchar);
                await w.WriteAsync(a.Ends.AddDays(-3), NpgsqlDbType.TimestampTz);
                if (a.Verified is { } v)
                {
                    await w.WriteAsync("client", NpgsqlDbType.Varchar);
                    await w.WriteAsync(v, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync("owner@bench-m.example", NpgsqlDbType.Varchar);
                }
                else
                {
                    await w.WriteNullAsync(); await w.WriteNullAsync(); await w.WriteNullAsync();
                }
                await w.WriteAsync(a.Ends.AddDays(-3), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(a.Verified ?? a.Ends, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }

        // milestones 1..N with their (simulated) invoices, then the ledger: each corrected appointment held a place that
        // the next counted one took over (so no place is open), the rest in order
        var milestoneIds = Enumerable.Range(0, milestones).Select(_ => Guid.CreateVersion7()).ToArray();
        var invoiceIds = Enumerable.Range(0, milestones).Select(_ => Guid.CreateVersion7()).ToArray();
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY invoices (id, client_id, kind, milestone_number, amount_cents, currency, status, simulated, stripe_step, description, issued_at, created_at, updated_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            for (var m = 0; m < milestones; m++)
            {
                var at = start.AddMinutes((m + 1) * Size * 5);
                await w.StartRowAsync();
                await w.WriteAsync(invoiceIds[m], NpgsqlDbType.Uuid);
                await w.WriteAsync(client, NpgsqlDbType.Uuid);
                await w.WriteAsync("milestone", NpgsqlDbType.Varchar);
                await w.WriteAsync(m + 1, NpgsqlDbType.Integer);
                await w.WriteAsync(200000L, NpgsqlDbType.Bigint);
                await w.WriteAsync("usd", NpgsqlDbType.Varchar);
                await w.WriteAsync("paid", NpgsqlDbType.Varchar);
                await w.WriteAsync(true, NpgsqlDbType.Boolean);
                await w.WriteAsync("recorded", NpgsqlDbType.Varchar);
                await w.WriteAsync($"Milestone {m + 1}", NpgsqlDbType.Varchar);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY milestones (id, client_id, number, shown_count, amount, status, invoice_id, reached_at, paid_at, created_at, updated_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            for (var m = 0; m < milestones; m++)
            {
                var at = start.AddMinutes((m + 1) * Size * 5);
                await w.StartRowAsync();
                await w.WriteAsync(milestoneIds[m], NpgsqlDbType.Uuid);
                await w.WriteAsync(client, NpgsqlDbType.Uuid);
                await w.WriteAsync(m + 1, NpgsqlDbType.Integer);
                await w.WriteAsync((m + 1) * Size, NpgsqlDbType.Integer);
                await w.WriteAsync(2000m, NpgsqlDbType.Numeric);
                await w.WriteAsync("paid", NpgsqlDbType.Varchar);
                await w.WriteAsync(invoiceIds[m], NpgsqlDbType.Uuid);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at.AddDays(10), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY milestone_entries (id, client_id, appointment_id, milestone_id, position, source, verified_at, verified_by, entered_at,
                                    replaces_entry_id, removed_at, removed_reason)
            FROM STDIN (FORMAT binary)
            """))
        {
            var place = 0;
            Guid? removed = null;
            foreach (var a in appointments.Where(a => a.Verified is not null))
            {
                var id = Guid.CreateVersion7();
                var (m, position) = (place / Size, place % Size + 1);
                if (m >= milestones) break;
                await w.StartRowAsync();
                await w.WriteAsync(id, NpgsqlDbType.Uuid);
                await w.WriteAsync(client, NpgsqlDbType.Uuid);
                await w.WriteAsync(a.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(milestoneIds[m], NpgsqlDbType.Uuid);
                await w.WriteAsync(position, NpgsqlDbType.Integer);
                await w.WriteAsync("client", NpgsqlDbType.Varchar);
                await w.WriteAsync(a.Verified!.Value, NpgsqlDbType.TimestampTz);
                await w.WriteAsync("owner@bench-m.example", NpgsqlDbType.Varchar);
                await w.WriteAsync(a.Verified!.Value, NpgsqlDbType.TimestampTz);
                if (a.Status == "no_show")
                {
                    // corrected out later: its place is taken by the next one
                    await w.WriteNullAsync();
                    await w.WriteAsync(a.Verified!.Value.AddDays(1), NpgsqlDbType.TimestampTz);
                    await w.WriteAsync("Corrected to no-show by owner@bench-m.example.", NpgsqlDbType.Varchar);
                    removed = id;
                    continue;
                }
                if (removed is { } r) await w.WriteAsync(r, NpgsqlDbType.Uuid); else await w.WriteNullAsync();
                removed = null;
                await w.WriteNullAsync(); await w.WriteNullAsync();
                place++;
            }
            await w.CompleteAsync();
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE appointments; ANALYZE milestone_entries; ANALYZE milestones; ANALYZE invoices;", conn))
            await analyze.ExecuteNonQueryAsync();
        Console.Error.WriteLine($"seeded one client with {shown:N0} shown appointments in {milestones:N0} milestones, {corrected:N0} corrected out, {pending:N0} to verify, in {watch.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var budgetMs = double.Parse(o.GetValueOrDefault("budget-ms", "10"), System.Globalization.CultureInfo.InvariantCulture);
        var counted = int.Parse(o.GetValueOrDefault("counted", "2000"));
        var answered = int.Parse(o.GetValueOrDefault("answered", "1000"));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Billing:Stripe:ApiKey"] = "" });
        builder.AddCallviaCore();
        using var host = builder.Build();
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();

        var tenant = await host.Services.GetRequiredService<TenantStore>().FindBySlugAsync("bench-m", CancellationToken.None)
                     ?? throw new InvalidOperationException("run milestones-seed first");
        var pending = new List<Guid>();
        await using (var cmd = super.CreateCommand($"SELECT id FROM appointments WHERE client_id = '{tenant.Id}' AND status = 'booked' ORDER BY ends_at"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) pending.Add(r.GetGuid(0));
        if (pending.Count < counted + answered) throw new InvalidOperationException($"{pending.Count} appointments to verify, {counted + answered} needed: seed again");
        var entriesBefore = await ScalarAsync(super, $"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}'");
        var milestonesBefore = await ScalarAsync(super, $"SELECT count(*) FROM milestones WHERE client_id = '{tenant.Id}'");

        // the ledger's counting alone, inside the verifying transaction (a few warm-ups first: the code is compiled)
        var detection = new List<double>();
        var reachedTimes = new List<double>();
        var countedOnly = new List<double>();
        var reached = 0;
        for (var i = 0; i < counted; i++)
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
            var db = scope.ServiceProvider.GetRequiredService<CallviaDbContext>();
            var ledger = scope.ServiceProvider.GetRequiredService<MilestoneLedger>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var id = pending[i];
            await db.Appointments.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Status, AppointmentStatus.Shown).SetProperty(a => a.VerificationSource, VerificationSource.Client)
                .SetProperty(a => a.VerifiedAt, DateTimeOffset.UtcNow).SetProperty(a => a.VerifiedBy, "bench@bench-m.example"));
            var started = Stopwatch.GetTimestamp();
            var made = await ledger.CountAsync(tenant.Id, [id], CancellationToken.None);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await tx.CommitAsync();
            if (i < 20) continue; // warm-up
            detection.Add(ms);
            if (made.Count > 0) { reached += made.Count; reachedTimes.Add(ms); } else countedOnly.Add(ms);
        }

        // the whole verification, through the client's answer
        var verification = new List<double>();
        for (var i = counted; i < counted + answered; i++)
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
            var started = Stopwatch.GetTimestamp();
            var result = await scope.ServiceProvider.GetRequiredService<AppointmentVerification>().RecordClientAnswerAsync(pending[i], true, "bench", CancellationToken.None);
            verification.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (result.Issues.Count > 0) throw new InvalidOperationException(result.Issues[0].Message);
        }

        if (Environment.GetEnvironmentVariable("BENCH_TRACE") is not null)
            Console.WriteLine("slowest: " + string.Join(", ", detection.Select((ms, i) => (ms, i)).OrderByDescending(x => x.ms).Take(40).Select(x => $"#{x.i} {x.ms:F1}")));
        var shownAfter = await ScalarAsync(super, $"SELECT count(*) FROM appointments WHERE client_id = '{tenant.Id}' AND status = 'shown'");
        var countingAfter = await ScalarAsync(super, $"SELECT count(*) FROM milestone_entries WHERE client_id = '{tenant.Id}' AND removed_at IS NULL");
        var milestonesAfter = await ScalarAsync(super, $"SELECT count(*) FROM milestones WHERE client_id = '{tenant.Id}'");
        var notFull = await ScalarAsync(super, $"""
            SELECT count(*) FROM milestones m WHERE m.client_id = '{tenant.Id}'
              AND (SELECT count(*) FROM milestone_entries e WHERE e.milestone_id = m.id AND e.removed_at IS NULL) <> {Size}
            """);
        var invoicesOff = await ScalarAsync(super, $"""
            SELECT count(*) FROM milestones m WHERE m.client_id = '{tenant.Id}'
              AND (SELECT count(*) FROM invoices i WHERE i.client_id = m.client_id AND i.kind = 'milestone' AND i.milestone_number = m.number) <> 1
            """);
        var expectedNew = (int)((shownAfter - milestonesBefore * Size) / Size);

        static double P(List<double> v, double q) { var s = v.Order().ToList(); return s.Count == 0 ? 0 : s[Math.Min(s.Count - 1, (int)Math.Ceiling(q * s.Count) - 1)]; }
        var p99 = P(detection, 0.99);
        Console.WriteLine();
        var jit = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") == "0" ? "fully optimized JIT from the start (a long-running service's code)" : "tiered JIT";
        Console.WriteLine($"Milestone detection for a client with {entriesBefore:N0} ledger entries in {milestonesBefore:N0} milestones: {detection.Count:N0} verifications timed around the counting (after 20 warm-ups), {answered:N0} whole client answers; {jit}");
        Table.Print(["figure", "measured", "baseline / budget"],
        [
            ["detection per verification, p99", $"{p99:F2} ms", $"< {budgetMs:F0} ms"],
            ["detection, p50 / max", $"{P(detection, 0.5):F2} / {detection.DefaultIfEmpty().Max():F2} ms", ""],
            ["  that made a milestone (and its invoice), p50 / p99", $"{P(reachedTimes, 0.5):F2} / {P(reachedTimes, 0.99):F2} ms", $"{reachedTimes.Count:N0} of them"],
            ["  that did not, p50 / p99", $"{P(countedOnly, 0.5):F2} / {P(countedOnly, 0.99):F2} ms", $"{countedOnly.Count:N0} of them"],
            ["whole client answer (verification), p50 / p99", $"{P(verification, 0.5):F2} / {P(verification, 0.99):F2} ms", "(context: what the counting is part of)"],
            ["milestones made", $"{milestonesAfter - milestonesBefore:N0}", $"{expectedNew:N0} (shown / {Size} less those before)"],
            ["counting entries / shown appointments", $"{countingAfter:N0} / {shownAfter:N0}", "equal"],
            ["milestones without exactly 25 counting entries", $"{notFull:N0}", "0"],
            ["milestones without exactly one invoice", $"{invoicesOff:N0}", "0"],
        ]);
        var ok = p99 < budgetMs && milestonesAfter - milestonesBefore == expectedNew && countingAfter == shownAfter && notFull == 0 && invoicesOff == 0;
        Console.WriteLine(ok ? "budget met, ledger consistent" : "BUDGET MISSED");
        return ok ? 0 : 1;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource source, string sql)
    {
        await using var cmd = source.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
