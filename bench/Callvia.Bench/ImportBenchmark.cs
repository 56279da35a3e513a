using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;

namespace Callvia.Bench;

/// <summary>
/// The lead import, end to end over HTTP, against PostgreSQL's own COPY of the same rows already
/// normalized (the physical limit on this machine), with the API process's memory growth.
/// </summary>
public static class ImportBenchmark
{
    private sealed record Budget(double Seconds, double Ratio, double GrowthMb);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Options(args);
        var api = new Uri(o["api"]);
        var sizes = o["rows"].Split(',').Select(int.Parse).ToArray();
        var pid = int.Parse(o["api-pid"]);
        Directory.CreateDirectory(o["dir"]);

        using var http = new HttpClient(LoopbackHandler()) { Timeout = TimeSpan.FromMinutes(10) };
        var tenantUri = new Uri($"http://{o["tenant"]}.localhost:{api.Port}");
        var token = await TokenAsync(http, tenantUri, o["client-id"], o["secret"]);
        await using var owner = new NpgsqlDataSourceBuilder(o["owner"]).Build();
        // COPY FROM refuses tables under row-level security; the baseline runs as the superuser.
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        var clientId = await ScalarAsync<Guid>(owner, $"SELECT id FROM clients WHERE slug = '{o["tenant"]}'");

        // Steady state, as a running API is: one small import first (JIT, libphonenumber's metadata).
        var warmCampaign = await CampaignAsync(owner, clientId, $"bench warm-up {DateTime.UtcNow:HHmmss}");
        var warm = LeadCsvGenerator.Write(o["dir"], 2000, clientId, warmCampaign, seed: 7);
        await ImportAsync(http, tenantUri, token, warmCampaign, warm.Csv);

        var rows = new List<string[]>();
        var ok = true;
        foreach (var n in sizes)
        {
            var importCampaign = await CampaignAsync(owner, clientId, $"bench import {n} {DateTime.UtcNow:HHmmss}");
            var copyCampaign = await CampaignAsync(owner, clientId, $"bench copy {n} {DateTime.UtcNow:HHmmss}");
            Console.Error.WriteLine($"generating {n:N0} rows ...");
            var files = LeadCsvGenerator.Write(o["dir"], n, clientId, copyCampaign);

            GC.Collect();
            var before = Rss(pid);
            using var sampler = new CancellationTokenSource();
            long peak = before;
            var sampling = Task.Run(async () =>
            {
                while (!sampler.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Rss(pid));
                    await Task.Delay(20);
                }
            });
            Console.Error.WriteLine($"importing {n:N0} rows over HTTP ...");
            var watch = Stopwatch.StartNew();
            var result = await ImportAsync(http, tenantUri, token, importCampaign, files.Csv);
            var importSeconds = watch.Elapsed.TotalSeconds;
            await sampler.CancelAsync();
            await sampling;
            var growthMb = (peak - before) / 1024.0 / 1024.0;

            Console.Error.WriteLine($"baseline: COPY of {files.GoodDistinct:N0} normalized rows ...");
            watch.Restart();
            await CopyAsync(super, files.Normalized);
            var copySeconds = watch.Elapsed.TotalSeconds;

            var imported = result.GetProperty("imported").GetInt32();
            var inDb = await ScalarAsync<long>(owner, $"SELECT count(*) FROM leads WHERE campaign_id = '{importCampaign}'");
            var correct = imported == files.GoodDistinct && inDb == imported;
            var budget = n >= 1_000_000 ? new Budget(20, 2, 300) : new Budget(2, 2, 300);
            var ratio = importSeconds / copySeconds;
            var pass = correct && importSeconds < budget.Seconds && ratio <= budget.Ratio && growthMb < budget.GrowthMb;
            ok &= pass;
            rows.Add([
                n.ToString("N0"), $"{importSeconds:F2} s", $"< {budget.Seconds} s", $"{copySeconds:F2} s", $"{ratio:F2}", $"<= {budget.Ratio}",
                $"{n / importSeconds:N0}", $"{growthMb:F0} MB", $"< {budget.GrowthMb} MB",
                $"{imported:N0}/{files.GoodDistinct:N0}{(correct ? "" : " WRONG")}", pass ? "ok" : "OVER",
            ]);
            File.Delete(files.Csv);
            File.Delete(files.Normalized);
        }

        string[] header = ["rows", "import (HTTP)", "budget", "COPY baseline", "ratio", "budget", "rows/s", "API memory growth", "budget", "imported/expected", "verdict"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var r in rows) Console.WriteLine(string.Join(" | ", r.Select((c, i) => c.PadRight(widths[i]))));
        return ok ? 0 : 1;
    }

    private static async Task<JsonElement> ImportAsync(HttpClient http, Uri tenant, string token, Guid campaign, string path)
    {
        await using var file = File.OpenRead(path);
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", Path.GetFileName(path));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(tenant, $"/api/leads/import?campaignId={campaign}")) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"import failed: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    private static async Task CopyAsync(NpgsqlDataSource owner, string path)
    {
        await using var conn = await owner.OpenConnectionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('app.agency', 'on', false)", conn)) await set.ExecuteNonQueryAsync();
        await using var writer = await conn.BeginTextImportAsync(
            "COPY leads (id, client_id, campaign_id, first_name, last_name, phone_e164, phone_raw, email, time_zone, status, attempts, custom_fields, created_at, updated_at) FROM STDIN (FORMAT csv)");
        using var reader = new StreamReader(path);
        var buffer = new char[1 << 16];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0) await writer.WriteAsync(buffer, 0, n);
    }

    private static async Task<Guid> CampaignAsync(NpgsqlDataSource owner, Guid clientId, string name)
    {
        var id = Guid.CreateVersion7();
        await using var conn = await owner.OpenConnectionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('app.agency', 'on', false)", conn)) await set.ExecuteNonQueryAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO campaigns (id, client_id, name, status, call_window_start, call_window_end, max_concurrent_calls, max_attempts, retry_ladder_minutes, call_days, requires_consent, created_at, updated_at)
            VALUES ($1, $2, $3, 'active', '08:00', '21:00', 5, 3, '{60,240,1440}', 126, true, now(), now())
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = clientId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        await cmd.ExecuteNonQueryAsync();
        return id;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource owner, string sql)
    {
        await using var conn = await owner.OpenConnectionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('app.agency', 'on', false)", conn)) await set.ExecuteNonQueryAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<string> TokenAsync(HttpClient http, Uri tenant, string clientId, string secret)
    {
        var response = await http.PostAsync(new Uri(tenant, "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("access_token").GetString()!;
    }

    /// <summary>Resident memory of a process, from /proc (Linux).</summary>
    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:"))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    private static SocketsHttpHandler LoopbackHandler() => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    private static Dictionary<string, string> Options(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        return map;
    }
}
