using System.Diagnostics;
using Callvia.Core.Dialer;
using Npgsql;
using NpgsqlTypes;

namespace Callvia.Bench;

/// <summary>
/// The dialer at a million leads (bench/dialer.sh): <c>dialer-seed</c> readies one tenant (its first campaign active with
/// the concurrency limit, the client's limit the same, every weekday, 08:00–21:00) and fills it by binary COPY with leads
/// in 30 time zones, all consented and due; <c>dialer</c> watches the running platform (jobs service dialing the sandbox
/// simulator, its webhooks through the API) and reports slot utilization, call starts per second and CPU per 1,000 calls;
/// <c>dialer-query</c> times the statement that picks the next due leads (<see cref="DialerClaims.NextDueSql"/>) as the
/// app role under row-level security.
/// </summary>
public static class DialerBenchmark
{
    // 30 zones around the world: at any hour some are inside the calling window and some are not
    private static readonly string[] Zones =
    [
        "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Phoenix", "America/Chicago",
        "America/New_York", "America/Halifax", "America/Sao_Paulo", "Atlantic/Azores", "Europe/London", "Europe/Paris",
        "Europe/Helsinki", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok",
        "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "America/Bogota", "America/Mexico_City",
        "Africa/Lagos", "Africa/Johannesburg", "Asia/Jakarta", "Asia/Manila", "America/Puerto_Rico",
    ];

    public static async Task<int> SeedAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var slug = o.GetValueOrDefault("tenant", "acme");
        var n = int.Parse(o.GetValueOrDefault("leads", "1000000"));
        var limit = int.Parse(o.GetValueOrDefault("limit", "200"));
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        await using var conn = await super.OpenConnectionAsync();
        var (clientId, campaignId) = await TenantAsync(conn, slug);
        // the ids come from the database: written into the text (several statements take no parameters)
        await using (var cmd = new NpgsqlCommand($"""
            UPDATE clients SET max_concurrent_calls = {limit}, dialer_stopped_at = NULL, dialer_backoff_until = NULL WHERE id = '{clientId}';
            UPDATE clients SET dialer_stopped_at = now() WHERE id <> '{clientId}';
            UPDATE campaigns SET status = 'paused' WHERE client_id = '{clientId}' AND id <> '{campaignId}';
            UPDATE campaigns SET status = 'active', max_concurrent_calls = {limit}, call_window_start = '08:00', call_window_end = '21:00',
                   call_days = 127, max_attempts = 3, requires_consent = true WHERE id = '{campaignId}';
            UPDATE leads SET dial_at = NULL WHERE client_id = '{clientId}';
            """, conn))
            await cmd.ExecuteNonQueryAsync();

        var watch = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY leads (id, client_id, campaign_id, first_name, phone_e164, phone_raw, time_zone, status, attempts, custom_fields,
                        consent_at, consent_source, dial_at, created_at, updated_at) FROM STDIN (FORMAT binary)
            """))
        {
            for (var i = 0; i < n; i++)
            {
                // 10 digits, unique per lead (7919 is prime to 6e9), away from the demo seed's numbers
                var phone = "+1" + (3_000_000_000L + i * 7919L % 6_000_000_000L);
                await w.StartRowAsync();
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await w.WriteAsync(clientId, NpgsqlDbType.Uuid);
                await w.WriteAsync(campaignId, NpgsqlDbType.Uuid);
                await w.WriteAsync("Lead", NpgsqlDbType.Varchar);
                await w.WriteAsync(phone, NpgsqlDbType.Varchar);
                await w.WriteAsync(phone, NpgsqlDbType.Varchar);
                await w.WriteAsync(Zones[i % Zones.Length], NpgsqlDbType.Varchar);
                await w.WriteAsync("new", NpgsqlDbType.Varchar);
                await w.WriteAsync(0, NpgsqlDbType.Integer);
                await w.WriteAsync("{}", NpgsqlDbType.Jsonb);
                await w.WriteAsync(now.AddDays(-30), NpgsqlDbType.TimestampTz);
                await w.WriteAsync("web form (bench)", NpgsqlDbType.Varchar);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        await using (var cmd = new NpgsqlCommand("ANALYZE leads", conn)) await cmd.ExecuteNonQueryAsync();
        Console.Error.WriteLine($"  {n:N0} leads in {Zones.Length} zones, all due: {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var slug = o.GetValueOrDefault("tenant", "acme");
        var seconds = int.Parse(o.GetValueOrDefault("seconds", "60"));
        var warmup = int.Parse(o.GetValueOrDefault("warmup", "15"));
        var limit = int.Parse(o.GetValueOrDefault("limit", "200"));
        var callSeconds = double.Parse(o.GetValueOrDefault("call-seconds", "2"), System.Globalization.CultureInfo.InvariantCulture);
        var pids = o["pids"].Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1]));
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        await using var conn = await super.OpenConnectionAsync();
        var (clientId, campaignId) = await TenantAsync(conn, slug);

        Console.Error.WriteLine($"  warming up {warmup} s (the dialer sorts out the leads outside their window as it goes)");
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        var cpu0 = pids.ToDictionary(p => p.Key, p => ProcessCpu(p.Value));
        var machine0 = MachineCpu();
        var t0 = await NowAsync(conn);
        var held = new List<long>();
        var dueAll = true;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await using (var cmd = new NpgsqlCommand($"""
                SELECT (SELECT coalesce(sum(count), 0) FROM ({string.Format(DialerClaims.SlotsHeldSql, "$1", "now()")}) s),
                       EXISTS (SELECT 1 FROM leads WHERE campaign_id = $2 AND dial_at <= now())
                """, conn) { Parameters = { new() { Value = clientId }, new() { Value = campaignId } } })
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                await r.ReadAsync();
                held.Add(r.GetInt64(0));
                dueAll &= r.GetBoolean(1);
            }
            await Task.Delay(200);
        }
        var t1 = await NowAsync(conn);
        var cpu1 = pids.ToDictionary(p => p.Key, p => ProcessCpu(p.Value));
        var machine1 = MachineCpu();
        // the calls of the window, as their webhooks reported them (ended calls only: give the last ones time to be applied)
        await Task.Delay(TimeSpan.FromSeconds(callSeconds + 8));
        double inCall; long started, attempts, ended;
        await using (var cmd = new NpgsqlCommand("""
            SELECT coalesce(sum(extract(epoch FROM least(ended_at, $3) - greatest(started_at, $2))), 0)::float8,
                   count(*) FILTER (WHERE started_at >= $2 AND started_at < $3),
                   (SELECT count(*) FROM dial_attempts WHERE client_id = $1 AND created_at >= $2 AND created_at < $3),
                   count(*) FILTER (WHERE ended_at >= $2 AND ended_at < $3)
            FROM call_logs WHERE client_id = $1 AND started_at < $3 AND ended_at > $2
            """, conn) { Parameters = { new() { Value = clientId }, new() { Value = t0 }, new() { Value = t1 } } })
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            (inCall, started, attempts, ended) = (r.GetDouble(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
        }
        var span = (t1 - t0).TotalSeconds;
        var utilization = inCall / (limit * span);
        var heldMean = held.Average() / limit;
        var rate = started / span;
        var ideal = limit / callSeconds;
        Console.WriteLine();
        Console.WriteLine($"Dialer, {limit} concurrent calls of {callSeconds:0.#} s (sandbox simulator), {span:F0} s measured after {warmup} s, leads due throughout: {(dueAll ? "yes" : "NO")}");
        Table.Print(["figure", "measured", "baseline", "budget"],
        [
            ["slot utilization (in-call slot-seconds / available)", $"{utilization:P1}", "100 % (every slot in a call)", ">= 95 %"],
            ["slots held (mean of samples, as the limit counts)", $"{heldMean:P1} (max {held.Max()})", $"{limit}", $"never above {limit}"],
            ["call starts per second", $"{rate:F1}", $"{ideal:F0} ({limit} / {callSeconds:0.#} s)", "-"],
            ["create-phone-calls in the window", $"{attempts:N0}", "-", "-"],
            .. cpu1.Select(p => new[] { $"CPU per 1,000 calls: {p.Key}", $"{(p.Value - cpu0[p.Key]) / Math.Max(1, started) * 1000:F2} s", "-", "-" }),
            ["CPU per 1,000 calls: whole machine (all processes)", $"{(machine1 - machine0) / Math.Max(1, started) * 1000:F2} s", $"{Environment.ProcessorCount} cores", "-"],
        ]);
        var ok = utilization >= 0.95 && held.Max() <= limit && dueAll;
        Console.WriteLine(ok ? "budget met" : "BUDGET MISSED");
        return ok ? 0 : 1;
    }

    public static async Task<int> QueryAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var slug = o.GetValueOrDefault("tenant", "acme");
        var runs = int.Parse(o.GetValueOrDefault("runs", "1000"));
        var batch = int.Parse(o.GetValueOrDefault("batch", "200"));
        var budget = double.Parse(o.GetValueOrDefault("budget-ms", "20"), System.Globalization.CultureInfo.InvariantCulture);
        Guid clientId, campaignId;
        long leads, due;
        await using (var super = new NpgsqlDataSourceBuilder(o["super"]).Build())
        await using (var sc = await super.OpenConnectionAsync())
        {
            (clientId, campaignId) = await TenantAsync(sc, slug);
            await using var cmd = new NpgsqlCommand("SELECT count(*), count(*) FILTER (WHERE dial_at <= now()) FROM leads WHERE client_id = $1", sc) { Parameters = { new() { Value = clientId } } };
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            (leads, due) = (r.GetInt64(0), r.GetInt64(1));
        }
        // as the services run it: the app role, the tenant's row-level security setting, inside a transaction (rolled back)
        await using var app = new NpgsqlDataSourceBuilder(o["app"]).Build();
        await using var conn = await app.OpenConnectionAsync();
        var sql = string.Format(DialerClaims.NextDueSql, "$1", "$2", "$3");
        var times = new List<double>();
        for (var i = 0; i < runs + 20; i++)
        {
            await using var tx = await conn.BeginTransactionAsync();
            await using (var scope = new NpgsqlCommand("SELECT set_config('app.client_id', $1, true)", conn, tx) { Parameters = { new() { Value = clientId.ToString() } } })
                await scope.ExecuteNonQueryAsync();
            var watch = Stopwatch.StartNew();
            await using (var cmd = new NpgsqlCommand(sql, conn, tx)
                { Parameters = { new() { Value = campaignId }, new() { Value = DateTimeOffset.UtcNow }, new() { Value = batch } } })
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) { }
            if (i >= 20) times.Add(watch.Elapsed.TotalMilliseconds);
            await tx.RollbackAsync();
        }
        times.Sort();
        double P(double q) => times[Math.Min(times.Count - 1, (int)(q * times.Count))];
        Console.WriteLine();
        Console.WriteLine($"The next-due statement (LIMIT {batch} FOR UPDATE SKIP LOCKED) at {leads:N0} leads ({due:N0} due now), {runs} runs as the app role");
        Table.Print(["figure", "measured", "budget"],
        [
            ["p50", $"{P(0.50):F2} ms", "-"],
            ["p99", $"{P(0.99):F2} ms", $"< {budget} ms"],
            ["max", $"{times[^1]:F2} ms", "-"],
        ]);
        var ok = P(0.99) < budget;
        Console.WriteLine(ok ? "budget met" : "BUDGET MISSED");
        return ok ? 0 : 1;
    }

    private static async Task<(Guid Client, Guid Campaign)> TenantAsync(NpgsqlConnection conn, string slug)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT c.id, (SELECT id FROM campaigns WHERE client_id = c.id ORDER BY created_at, id LIMIT 1) FROM clients c WHERE c.slug = $1
            """, conn) { Parameters = { new() { Value = slug } } };
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync()) throw new InvalidOperationException($"no client '{slug}'");
        return (r.GetGuid(0), r.GetGuid(1));
    }

    private static async Task<DateTimeOffset> NowAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand("SELECT now()", conn);
        return new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await cmd.ExecuteScalarAsync())!, DateTimeKind.Utc));
    }

    /// <summary>A process's user + system CPU seconds (/proc/PID/stat, clock ticks of 1/100 s).</summary>
    private static double ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    /// <summary>The machine's busy CPU seconds, all cores (/proc/stat: everything but idle and iowait).</summary>
    private static double MachineCpu()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse).ToArray();
        return (cpu.Sum() - cpu[3] - cpu[4]) / 100.0;
    }
}
