using System.Diagnostics;
using Callvia.Jobs.Tenancy;
using Callvia.Jobs.Hosting;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Callvia.Jobs.Webhooks;
using Callvia.Testing;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// The jobs service as a real process, killed (SIGKILL) part-way through a batch of webhook events, then
/// started again: every event ends applied exactly once. Its own database, so the in-process jobs host of
/// the other tests does not take part.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class CrashRecoveryShould(JobsFixture fixture)
{
    /// <summary>Three batches (ProcessWebhookEventJob.BatchSize): the kill comes after the first commits.</summary>
    private const int Events = 3 * ProcessWebhookEventJob.BatchSize;

    [Fact]
    public async Task Apply_every_event_exactly_once_after_the_worker_is_killed_mid_batch()
    {
        await using var db = await TestDatabase.CreateAsync(fixture.Servers.PostgresAdmin, "crash");
        await db.MigrateAsync();
        await using var admin = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = db.Name }.ConnectionString).Build();
        var clientId = Guid.NewGuid();
        await ExecAsync(admin, $"INSERT INTO clients (id, slug, name, status, time_zone, default_region, rate_per_minute, milestone_size, milestone_amount, currency, created_at, updated_at) VALUES ('{clientId}', 'c{clientId.ToString("N")[..20]}', 'Crash Co', 'active', 'UTC', 'US', 0.2, 25, 2000, 'usd', now(), now())");
        await ExecAsync(admin, $$$"""
            INSERT INTO events (id, client_id, provider, provider_event_key, event_type, payload, status, attempts, received_at)
            SELECT gen_random_uuid(), '{{{clientId}}}', 'retell', 'crash_' || i || ':call_ended', 'call_ended',
                   '{"event":"call_ended","call":{"call_id":"crash_' || i || '","call_status":"ended","start_timestamp":1767610800000,"end_timestamp":1767610860000,"duration_ms":60000}}',
                   'received', 0, now()
            FROM generate_series(0, {{{Events - 1}}}) i
            """);

        // the jobs service's dispatcher claims the stored events and enqueues their processing itself
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(db.AppConnectionString, new PostgreSqlStorageOptions()), new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false });
        var jobs = new BackgroundJobClient(storage);

        var first = StartJobsProcess(db);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (await ProcessedAsync(admin) < 10)
                await Task.Delay(20, timeout.Token);
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        var atKill = await ProcessedAsync(admin);
        Assert.InRange(atKill, 10, Events - 1); // killed part-way

        var second = StartJobsProcess(db);
        try
        {
            // the recovery path: the sweep finds events claimed but never processed (their jobs died with the process)
            jobs.Enqueue<WebhookEventSweep>(s => s.RunAsync(TimeSpan.Zero, CancellationToken.None));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (await ProcessedAsync(admin) < Events)
                await Task.Delay(100, timeout.Token);
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        Assert.Equal(Events, await ScalarAsync(admin, "SELECT count(*) FROM call_logs"));
        Assert.Equal(Events, await ScalarAsync(admin, "SELECT count(DISTINCT call_log_id) FROM usage_records"));
        Assert.Equal(Events, await ScalarAsync(admin, "SELECT count(*) FROM usage_records"));
        Assert.Equal(Events, await ScalarAsync(admin, "SELECT count(*) FROM events WHERE status = 'processed' AND attempts = 1"));
    }

    private Process StartJobsProcess(TestDatabase db)
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // Debug or Release
        var dll = Path.Combine(root, "Callvia.Jobs", "bin", configuration, "net10.0", "Callvia.Jobs.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__callviadb"] = db.AppConnectionString;
        info.Environment["ConnectionStrings__cache"] = fixture.Servers.Redis;
        info.Environment["Jobs__Workers"] = "2";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static Task<long> ProcessedAsync(NpgsqlDataSource admin) => ScalarAsync(admin, "SELECT count(*) FROM events WHERE status = 'processed'");

    private static async Task<long> ScalarAsync(NpgsqlDataSource admin, string sql)
    {
        await using var cmd = admin.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static async Task ExecAsync(NpgsqlDataSource admin, string sql)
    {
        await using var cmd = admin.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
