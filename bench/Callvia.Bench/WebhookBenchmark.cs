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

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) o[args[i].TrimStart('-')] = args[i + 1];
        var port = new Uri(o["api"]).Port;
        var tenants = o["tenants"].Split(',');
        var seconds = int.Parse(o.GetValueOrDefault("seconds", "10"));
        var levels = o.GetValueOrDefault("concurrency", "8,32,64").Split(',').Select(int.Parse).ToArray();
        await SetSecretsAsync(tenants);
        await using var super = NpgsqlDataSource.Create(o["super"]);

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

        // warm-up
        await LoadAsync(http, port, tenants, 4, 2, bare: false);
        await LoadAsync(http, port, tenants, 4, 2, bare: true);

        var rows = new List<string[]>();
        var ok = true;
        long accepted = 0;
        foreach (var c in levels)
        {
            var real = await LoadAsync(http, port, tenants, c, seconds, bare: false);
            var bare = await LoadAsync(http, port, tenants, c, seconds, bare: true);
            accepted += real.Ok;
            var within = real.Rps / bare.Rps;
            var pass = real.Rps >= 2000 && real.P99 < 50 && within >= 0.7 && real.Errors == 0;
            ok &= pass;
            rows.Add([c.ToString(), $"{real.Rps:N0}", $"{real.P50:F1} ms", $"{real.P99:F1} ms", $"{bare.Rps:N0}", $"{bare.P50:F1} ms", $"{bare.P99:F1} ms",
                $"{within:P0}", real.Errors.ToString(), pass ? "ok" : "OVER"]);
        }

        string[] header = ["concurrency", "webhooks req/s", "p50", "p99", "bare insert req/s", "p50", "p99", "of baseline", "errors", "verdict (>= 2,000/s, p99 < 50 ms, >= 70%)"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        foreach (var r in rows) Console.WriteLine(string.Join(" | ", r.Select((v, i) => v.PadRight(widths[i]))));

        // accepted = stored = processed, no duplicates
        var watch = Stopwatch.StartNew();
        long stored = 0, processed = 0;
        while (watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            stored = await ScalarAsync(super, "SELECT count(*) FROM events WHERE provider IN ('retell', 'calcom') AND provider_event_key LIKE '%bench%'");
            processed = await ScalarAsync(super, "SELECT count(*) FROM events WHERE provider IN ('retell', 'calcom') AND provider_event_key LIKE '%bench%' AND status = 'processed'");
            if (processed >= stored && stored >= accepted) break;
            await Task.Delay(1000);
        }
        var distinct = await ScalarAsync(super, "SELECT count(DISTINCT (provider, provider_event_key)) FROM events WHERE provider_event_key LIKE '%bench%'");
        var consistent = stored == accepted + WarmAccepted && processed == stored && distinct == stored;
        Console.WriteLine($"accepted {accepted + WarmAccepted:N0} (incl. warm-up), stored {stored:N0}, processed {processed:N0} (after {watch.Elapsed.TotalSeconds:F0} s), distinct {distinct:N0}: {(consistent ? "consistent" : "MISMATCH")}");
        return ok && consistent ? 0 : 1;
    }

    private static long WarmAccepted;

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
                if (!bare && retell) request.Headers.Add("x-retell-signature", WebhookSignatures.SignRetell(bytes, RetellKey, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                if (!bare && !retell) request.Headers.Add("X-Cal-Signature-256", WebhookSignatures.SignCalcom(bytes, CalSecret));
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref ok); else Interlocked.Increment(ref errors);
            }
        }));
        var elapsed = until.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        if (!bare && seconds == 2) WarmAccepted += ok;
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
