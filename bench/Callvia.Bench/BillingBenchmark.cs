using System.Diagnostics;
using Callvia.Core;
using Callvia.Core.Billing;
using Callvia.Testing.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Callvia.Bench;

/// <summary>
/// bench/billing.sh (issue 16): <c>billing-seed</c> fills 1,000 clients in eight time zones, at four rates, with
/// 2,000,000 ended calls and their usage (COPY): nearly all in October 2026, some late ones of September, some of
/// November (after the close: never billed by it), some simulated (never billed). <c>billing</c> runs the month close as
/// the jobs service does (<see cref="Jobs.Billing.MonthCloseSweep"/>, its clock at 2026-11-02 12:00 UTC, every client's
/// October closed) with the invoices made in the fake Stripe on loopback, then checks every invoice against sums the
/// database computes on its own from the usage (exact numeric, rounded once per client) and against Stripe's amounts.
/// </summary>
public static class BillingBenchmark
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Zones = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"];
    private static readonly decimal[] Rates = [0.20m, 0.17m, 0.235m, 0.1999m];

    public static async Task<int> SeedAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var clients = int.Parse(o.GetValueOrDefault("clients", "1000"));
        var records = int.Parse(o.GetValueOrDefault("records", "2000000"));
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        await using var conn = await super.OpenConnectionAsync();
        var watch = Stopwatch.StartNew();
        var rng = new Random(20261102);
        var list = new List<(Guid Id, string Zone, decimal Rate, Guid[] Campaigns)>();
        for (var c = 0; c < clients; c++)
        {
            var id = Guid.CreateVersion7();
            var zone = Zones[c % Zones.Length];
            var rate = Rates[c / Zones.Length % Rates.Length];
            var campaigns = new[] { Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7() };
            await using var cmd = new NpgsqlCommand($"""
                INSERT INTO clients (id, slug, name, status, time_zone, default_region, rate_per_minute, milestone_size, milestone_amount, currency, billing_email, created_at, updated_at)
                VALUES ('{id}', 'bench-b{c:D4}', 'Bench Billing {c:D4}', 'active', '{zone}', 'US', {rate}, 25, 2000, 'usd', 'billing@bench-b{c:D4}.example', now(), now());
                INSERT INTO campaigns (id, client_id, name, status, call_window_start, call_window_end, max_concurrent_calls, max_attempts, created_at, updated_at)
                VALUES ('{campaigns[0]}', '{id}', 'Spring recall', 'active', '09:00', '17:00', 1, 1, now(), now()),
                       ('{campaigns[1]}', '{id}', 'Whitening offer', 'active', '09:00', '17:00', 1, 1, now(), now()),
                       ('{campaigns[2]}', '{id}', 'Lapsed patients', 'active', '09:00', '17:00', 1, 1, now(), now());
                """, conn);
            await cmd.ExecuteNonQueryAsync();
            list.Add((id, zone, rate, campaigns));
        }

        var calls = new List<(Guid Id, Guid Client, decimal Rate, int Seconds, DateTime At, bool Simulated)>(records);
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY call_logs (id, client_id, campaign_id, provider_call_id, status, direction, started_at, ended_at, duration_seconds, simulated, created_at, updated_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            for (var n = 0; n < records; n++)
            {
                var (client, zone, rate, campaigns) = list[n % clients];
                var local = TimeZoneInfo.FindSystemTimeZoneById(zone);
                // 97 % in October (local), 1 % late ones of September, 1 % November (after the close), 1 % simulated
                var pick = rng.Next(100);
                var (year, month) = pick == 0 ? (2026, 9) : pick == 1 ? (2026, 11) : (2026, 10);
                // the local month's bounds as instants (local midnights are never in a DST gap in these zones)
                var start = TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified), local);
                var end = month == 11 ? Now.UtcDateTime.AddMinutes(-1) : TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1), local);
                var at = start.AddSeconds(1 + rng.NextDouble() * ((end - start).TotalSeconds - 2));
                var seconds = 1 + rng.Next(rng.Next(10) == 0 ? 3600 : 600);
                var id = Guid.CreateVersion7();
                var simulated = pick == 2;
                calls.Add((id, client, rate, seconds, at, simulated));
                await w.StartRowAsync();
                await w.WriteAsync(id, NpgsqlDbType.Uuid);
                await w.WriteAsync(client, NpgsqlDbType.Uuid);
                if (n % 17 == 0) await w.WriteNullAsync(); else await w.WriteAsync(campaigns[n % 3], NpgsqlDbType.Uuid); // some outside a campaign
                await w.WriteAsync($"bench_{id:N}", NpgsqlDbType.Varchar);
                await w.WriteAsync("ended", NpgsqlDbType.Varchar);
                await w.WriteAsync("outbound", NpgsqlDbType.Varchar);
                await w.WriteAsync(at.AddSeconds(-seconds), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(seconds, NpgsqlDbType.Integer);
                await w.WriteAsync(simulated, NpgsqlDbType.Boolean);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY usage_records (id, client_id, call_log_id, seconds, rate_per_minute, cost, occurred_at, simulated, created_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            foreach (var c in calls)
            {
                await w.StartRowAsync();
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await w.WriteAsync(c.Client, NpgsqlDbType.Uuid);
                await w.WriteAsync(c.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(c.Seconds, NpgsqlDbType.Integer);
                await w.WriteAsync(c.Rate, NpgsqlDbType.Numeric);
                await w.WriteAsync(UsageCost.Of(c.Seconds, c.Rate), NpgsqlDbType.Numeric);
                await w.WriteAsync(c.At, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(c.Simulated, NpgsqlDbType.Boolean);
                await w.WriteAsync(c.At, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE clients; ANALYZE call_logs; ANALYZE usage_records; ANALYZE invoices;", conn))
            await analyze.ExecuteNonQueryAsync();
        Console.Error.WriteLine($"seeded {clients:N0} clients, {records:N0} calls with their usage in {watch.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var budget = TimeSpan.FromSeconds(int.Parse(o.GetValueOrDefault("budget-s", "60")));
        await using var stripe = await FakeStripe.StartNewAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Billing:Stripe:ApiKey"] = stripe.ApiKey, ["Billing:Stripe:ApiBase"] = stripe.BaseUrl,
        });
        builder.AddCallviaCore();
        builder.Services.AddSingleton<TimeProvider>(new FixedClock(Now));
        using var host = builder.Build();
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();

        var sweep = ActivatorUtilities.CreateInstance<Jobs.Billing.MonthCloseSweep>(host.Services);
        var watch = Stopwatch.StartNew();
        var result = await sweep.RunAsync(CancellationToken.None);
        var elapsed = watch.Elapsed;
        // a second run (a rerun, or the other instance): bills nothing again
        var again = await sweep.RunAsync(CancellationToken.None);

        // the database's own sums, from the usage alone: every non-simulated record before the client's local
        // November, summed exactly; then what the close recorded
        var expected = new Dictionary<Guid, (decimal Exact, long Records, long RoundedEach)>();
        await using (var cmd = super.CreateCommand("""
            SELECT u.client_id, sum(u.cost), count(*), sum(round(u.cost, 2))
            FROM usage_records u JOIN clients c ON c.id = u.client_id
            WHERE NOT u.simulated AND c.slug LIKE 'bench-b%'
              AND u.occurred_at < (date_trunc('month', $1 AT TIME ZONE c.time_zone) AT TIME ZONE c.time_zone)
            GROUP BY u.client_id
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Now });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) expected[r.GetGuid(0)] = (r.GetDecimal(1), r.GetInt64(2), (long)(r.GetDecimal(3) * 100));
        }
        var recorded = new Dictionary<Guid, (long Cents, long Lines, long Billed, int Invoices, string? StripeId, string Step)>();
        await using (var cmd = super.CreateCommand("""
            WITH billed AS (SELECT invoice_id, count(*) AS n FROM usage_records WHERE invoice_id IS NOT NULL GROUP BY invoice_id)
            SELECT i.client_id, i.amount_cents, (SELECT sum(l.amount_cents) FROM invoice_lines l WHERE l.invoice_id = i.id),
                   coalesce(b.n, 0), count(*) OVER (PARTITION BY i.client_id),
                   i.stripe_invoice_id, i.stripe_step
            FROM invoices i JOIN clients c ON c.id = i.client_id LEFT JOIN billed b ON b.invoice_id = i.id
            WHERE c.slug LIKE 'bench-b%' AND i.kind = 'usage'
            """))
        {
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                recorded[r.GetGuid(0)] = (r.GetInt64(1), r.IsDBNull(2) ? 0 : (long)r.GetDecimal(2), r.GetInt64(3), (int)r.GetInt64(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6));
        }
        long unbilledAfter;
        await using (var cmd = super.CreateCommand("""
            SELECT count(*) FROM usage_records u JOIN clients c ON c.id = u.client_id
            WHERE c.slug LIKE 'bench-b%' AND u.invoice_id IS NULL AND NOT u.simulated
              AND u.occurred_at < (date_trunc('month', $1 AT TIME ZONE c.time_zone) AT TIME ZONE c.time_zone)
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Now });
            unbilledAfter = (long)(await cmd.ExecuteScalarAsync())!;
        }
        var inStripe = stripe.Invoices.ToDictionary(i => i["id"]!.GetValue<string>(), i => (Due: i["amount_due"]!.GetValue<long>(), Status: i["status"]!.GetValue<string>()));

        var wrongTotal = expected.Count(e => !recorded.TryGetValue(e.Key, out var r) || r.Cents != (long)Math.Round(e.Value.Exact * 100m, MidpointRounding.ToEven));
        var wrongLines = recorded.Count(r => r.Value.Lines != r.Value.Cents);
        var wrongRecords = expected.Count(e => !recorded.TryGetValue(e.Key, out var r) || r.Billed != e.Value.Records);
        var doubled = recorded.Count(r => r.Value.Invoices != 1);
        var stripeOff = recorded.Count(r => r.Value.StripeId is not { } s || !inStripe.TryGetValue(s, out var i) || i.Due != r.Value.Cents || i.Status != "open");
        var totalCents = recorded.Sum(r => r.Value.Cents);
        var expectedCents = expected.Sum(e => (long)Math.Round(e.Value.Exact * 100m, MidpointRounding.ToEven));
        var roundedEach = expected.Sum(e => e.Value.RoundedEach);
        var billedRecords = recorded.Sum(r => r.Value.Billed);

        Console.WriteLine();
        Console.WriteLine($"Month close of October 2026 for {expected.Count:N0} clients in {Zones.Length} time zones ({billedRecords:N0} usage records billed), invoices made in the fake Stripe on loopback");
        Table.Print(["figure", "measured", "baseline / budget"],
        [
            ["close: record, bill, make in Stripe", $"{elapsed.TotalSeconds:F1} s", $"< {budget.TotalSeconds:F0} s"],
            ["  of which recording and billing", $"{result.Recording.TotalSeconds:F1} s", ""],
            ["  of which making in Stripe", $"{result.Issuing.TotalSeconds:F1} s", $"{stripe.Received.Count:N0} requests to the fake"],
            ["clients due / invoices", $"{result.Clients:N0} / {result.Invoices:N0}", $"{expected.Count:N0}"],
            ["total invoiced", $"{totalCents / 100m:N2}", $"{expectedCents / 100m:N2} (the database's own sum, rounded once per client)"],
            ["invoices off the database's sum", $"{wrongTotal:N0}", "0"],
            ["invoices whose lines do not add up", $"{wrongLines:N0}", "0"],
            ["invoices missing or with other usage than the month's", $"{wrongRecords:N0}", "0"],
            ["clients with more than one invoice", $"{doubled:N0}", "0"],
            ["invoices not open in Stripe at their amount", $"{stripeOff:N0}", "0"],
            ["usage of the month left unbilled", $"{unbilledAfter:N0}", "0"],
            ["second run: invoices", $"{again.Invoices:N0}", "0"],
            ["had each call been rounded", $"{(roundedEach - expectedCents) / 100m:+#,0.00;-#,0.00;0.00} off", "(why it is rounded once)"],
        ]);
        var ok = elapsed < budget && result.Invoices == expected.Count && wrongTotal == 0 && wrongLines == 0 && wrongRecords == 0 && doubled == 0
                 && stripeOff == 0 && unbilledAfter == 0 && again.Invoices == 0;
        Console.WriteLine(ok ? "budget met, exact to the cent" : "BUDGET MISSED");
        return ok ? 0 : 1;
    }
}
