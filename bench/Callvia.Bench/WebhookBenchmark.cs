using Callvia.Core.Webhooks.Providers.Calcom;
using Callvia.Core.Webhooks.Providers.Retell;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Callvia.Core;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Callvia.Bench;

/// <summary>
/// Signed Retell and Cal.com webhooks across tenants at rising concurrency against the API, beside a bare
/// endpoint on the same server that only inserts the raw row; then accepted = stored = processed.
/// </summary>
public static class WebhookBenchmark
{
    private const string RetellKey = "bench_retell_key", CalSecret = "bench_cal_secret";

    /// <summary>
    /// <c>webhooks --phase load</c>: the load at each concurrency, real beside bare; writes the accepted count
    /// to <c>--state</c>. <c>webhooks --phase check</c> (after the jobs service is started): waits until every
    /// stored event is processed, reports the processing rate, and checks accepted = stored = processed.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) o[args[i].TrimStart('-')] = args[i + 1];
        return o.GetValueOrDefault("phase", "load") == "check" ? await CheckAsync(o) : await LoadAsync(o);
    }

    private const double BudgetRps = 2000, BudgetP99 = 50, BudgetRatio = 0.7;

    private static async Task<int> LoadAsync(Dictionary<string, string> o)
    {
        var port = new Uri(o["api"]).Port;
        var tenants = o["tenants"].Split(',');
        var seconds = int.Parse(o.GetValueOrDefault("seconds", "10"));
        var levels = o.GetValueOrDefault("concurrency", "8,32,64").Split(',').Select(int.Parse).ToArray();
        await SetSecretsAsync(tenants);

        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (c, ct) =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, c.DnsEndPoint.Port), ct);
                return new NetworkStream(s, true);
            },
            MaxConnectionsPerServer = 1024,
        });

        // warm-up (JIT, pools, caches); its events count as accepted too
        long accepted = (await LoadAsync(http, port, tenants, 16, 3, bare: false)).Ok;
        await LoadAsync(http, port, tenants, 16, 3, bare: true);

        var rows = new List<string[]>();
        (int Concurrency, Result Real, double Ratio)? best = null;
        var errors = 0L;
        foreach (var c in levels)
        {
            var real = await LoadAsync(http, port, tenants, c, seconds, bare: false);
            var bare = await LoadAsync(http, port, tenants, c, seconds, bare: true);
            accepted += real.Ok;
            errors += real.Errors;
            var ratio = real.Rps / bare.Rps;
            var pass = real.Rps >= BudgetRps && real.P99 < BudgetP99 && ratio >= BudgetRatio && real.Errors == 0;
            if (real.P99 < BudgetP99 && (best is null || real.Rps > best.Value.Real.Rps)) best = (c, real, ratio);
            rows.Add([c.ToString(), $"{real.Rps:N0}", $"{real.P50:F1} ms", $"{real.P99:F1} ms", $"{bare.Rps:N0}", $"{bare.P50:F1} ms", $"{bare.P99:F1} ms",
                $"{ratio:P0}", real.Errors.ToString(), pass ? "within budget" : "outside"]);
        }

        string[] header = ["concurrency", "webhooks req/s", "p50", "p99", "bare insert req/s", "p50", "p99", "of baseline", "errors", "budget: >= 2,000/s, p99 < 50 ms, >= 70%"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        foreach (var r in rows) Console.WriteLine(string.Join(" | ", r.Select((v, i) => v.PadRight(widths[i]))));

        // Sustained throughput: the best level whose p99 stays under the budget. Low concurrency is bound by
        // latency (Little's law: 8 callers at ~4 ms each cannot exceed ~2,000/s), not by the server.
        var met = best is { } b && b.Real.Rps >= BudgetRps && b.Ratio >= BudgetRatio && errors == 0;
        Console.WriteLine(best is { } x
            ? $"sustained: {x.Real.Rps:N0} req/s at concurrency {x.Concurrency} with p99 {x.Real.P99:F1} ms, {x.Ratio:P0} of the bare insert: {(met ? "budget met" : "BUDGET NOT MET")}"
            : "sustained: no level kept p99 under 50 ms: BUDGET NOT MET");
        // the check phase prints processing beside this ingest figure
        await File.WriteAllTextAsync(o["state"], FormattableString.Invariant($"{accepted} {best?.Real.Rps ?? 0:F0}"));
        return met ? 0 : 1;
    }

    private static async Task<int> CheckAsync(Dictionary<string, string> o)
    {
        var state = (await File.ReadAllTextAsync(o["state"])).Split(' ');
        var accepted = long.Parse(state[0], System.Globalization.CultureInfo.InvariantCulture);
        var ingest = double.Parse(state[1], System.Globalization.CultureInfo.InvariantCulture);
        await using var super = NpgsqlDataSource.Create(o["super"]);
        const string Bench = "provider IN ('retell', 'calcom') AND provider_event_key LIKE '%bench%'";
        var stored = await ScalarAsync(super, $"SELECT count(*) FROM events WHERE {Bench}");
        var limit = TimeSpan.FromMinutes(int.Parse(o.GetValueOrDefault("wait-minutes", "10"), System.Globalization.CultureInfo.InvariantCulture));
        // cold: the jobs service was just started, its code is compiled while it works (the first seconds of any deploy)
        var (coldProcessed, coldSeconds) = await DrainAsync(super, Bench, stored, limit);
        // warm: the same events again as new (their effects deleted first), twice, by the service now running; the
        // last pass is what a service that runs for hours does, and what the budget is about
        var warm = new List<(long Processed, double Seconds)>();
        for (var pass = 0; pass < 2; pass++)
        {
            await ExecAsync(super, """
                DELETE FROM usage_records WHERE call_log_id IN (SELECT id FROM call_logs WHERE provider_call_id LIKE 'bench%');
                DELETE FROM call_logs WHERE provider_call_id LIKE 'bench%';
                DELETE FROM appointments WHERE provider_booking_uid LIKE 'bench%';
                """);
            await ExecAsync(super, $"UPDATE events SET status = 'received', attempts = 0, processed_at = NULL WHERE {Bench}");
            warm.Add(await DrainAsync(super, Bench, stored, limit));
        }
        var (processed, seconds) = warm[^1];
        var distinct = await ScalarAsync(super, "SELECT count(DISTINCT (provider, provider_event_key)) FROM events WHERE provider_event_key LIKE '%bench%'");
        var applied = await ScalarAsync(super, "SELECT count(*) FROM call_logs WHERE provider_call_id LIKE 'bench%'")
                      + await ScalarAsync(super, "SELECT count(*) FROM appointments WHERE provider_booking_uid LIKE 'bench%'");
        var usage = await ScalarAsync(super, "SELECT count(*) FROM usage_records u JOIN call_logs c ON c.id = u.call_log_id WHERE c.provider_call_id LIKE 'bench%'");
        var consistent = stored == accepted && coldProcessed == stored && warm.All(w => w.Processed == stored) && distinct == stored && applied == stored;
        var (coldRate, rate) = (coldProcessed / coldSeconds, processed / seconds);
        Console.WriteLine($"processing, cold: {coldProcessed:N0} events in {coldSeconds:F1} s = {coldRate:N0} events/s (the jobs service just started)");
        foreach (var (n, (count, time)) in warm.Select((w, i) => (i + 2, w)))
            Console.WriteLine($"processing, pass {n}: {count:N0} events in {time:F1} s = {count / time:N0} events/s (the same events again as new, the service running)");
        Console.WriteLine($"processing {rate:N0} events/s warm (last pass; {coldRate:N0} cold) beside ingest {ingest:N0} req/s: baseline 160–236 events/s (before batches: 236 in the issue, 160 measured here on 2026-12-01), budget >= {ProcessingBudget:N0} events/s: " +
                          (rate >= ProcessingBudget ? "budget met" : "BUDGET NOT MET"));
        Console.WriteLine($"accepted {accepted:N0} (incl. warm-up), stored {stored:N0}, processed {processed:N0} (three times), distinct {distinct:N0}, " +
                          $"applied (call logs + appointments) {applied:N0}, usage records {usage:N0}: {(consistent ? "consistent" : "MISMATCH")}");
        return consistent && rate >= ProcessingBudget ? 0 : 1;
    }

    /// <summary>
    /// Waits until no event is left to process (a probe of the pending events' partial index, cheap enough to ask every
    /// 50 ms without slowing the processing it watches); how many bench events are processed, and in how many seconds.
    /// </summary>
    private static async Task<(long Processed, double Seconds)> DrainAsync(NpgsqlDataSource super, string bench, long stored, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit && await ScalarAsync(super, "SELECT count(*) FROM (SELECT 1 FROM events WHERE status IN ('received', 'processing') LIMIT 1) x") > 0)
            await Task.Delay(50);
        var seconds = watch.Elapsed.TotalSeconds;
        return (await ScalarAsync(super, $"SELECT count(*) FROM events WHERE {bench} AND status = 'processed'"), seconds);
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private const double ProcessingBudget = 2000;

    private sealed record Result(double Rps, double P50, double P99, long Ok, long Errors);

    private static async Task<Result> LoadAsync(HttpClient http, int port, string[] tenants, int concurrency, int seconds, bool bare)
    {
        var latencies = new List<double>[concurrency];
        long ok = 0, errors = 0;
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            var n = 0;
            while (until.Elapsed.TotalSeconds < seconds)
            {
                var tenant = tenants[(w + n) % tenants.Length];
                var id = $"bench{Guid.NewGuid():N}";
                var retell = n++ % 2 == 0;
                var body = retell
                    ? $"{{\"event\":\"call_started\",\"call\":{{\"call_id\":\"{id}\",\"call_status\":\"ongoing\",\"start_timestamp\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}}}"
                    : $"{{\"triggerEvent\":\"BOOKING_CREATED\",\"createdAt\":\"{DateTime.UtcNow:O}\",\"payload\":{{\"uid\":\"{id}\",\"startTime\":\"2026-12-01T15:00:00Z\",\"endTime\":\"2026-12-01T15:30:00Z\",\"attendees\":[{{\"name\":\"A\",\"email\":\"a@example.com\"}}]}}}}";
                var bytes = Encoding.UTF8.GetBytes(body);
                var path = bare ? "/api/webhooks/_bare" : retell ? "/api/webhooks/retell" : "/api/webhooks/calcom";
                using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{tenant}.localhost:{port}{path}") { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new("application/json");
                if (!bare && retell) request.Headers.Add("x-retell-signature", RetellSignature.Sign(bytes, RetellKey, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                if (!bare && !retell) request.Headers.Add("X-Cal-Signature-256", CalcomSignature.Sign(bytes, CalSecret));
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref ok); else Interlocked.Increment(ref errors);
            }
        }));
        var elapsed = until.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length / elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)], ok, errors);
    }

    private static async Task SetSecretsAsync(string[] slugs)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddCallviaCore();
        using var host = builder.Build();
        foreach (var slug in slugs)
        {
            var tenant = await host.Services.GetRequiredService<TenantStore>().FindBySlugAsync(slug) ?? throw new InvalidOperationException($"no tenant {slug}");
            foreach (var (provider, secret) in new[] { ("retell", RetellKey), ("calcom", CalSecret) })
            {
                await using var scope = host.Services.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
                await scope.ServiceProvider.GetRequiredService<ProviderSecrets>().SetAsync(provider, secret, default);
            }
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
