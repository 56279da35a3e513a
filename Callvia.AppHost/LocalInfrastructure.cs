using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Callvia.AppHost;

/// <summary>
/// Where PostgreSQL and Redis come from in a local run: <c>containers</c> (<c>AddPostgres</c>/<c>AddRedis</c>, where a
/// container runtime answers, and always in the deployment manifest) or <c>executables</c> (the machine's own
/// binaries, installed when missing, data under <c>.data/apphost</c>, durable settings). Parameter
/// <c>Callvia:LocalInfrastructure</c> = <c>containers</c>, <c>executables</c> or <c>auto</c> (the default: containers
/// when <c>docker</c> or <c>podman</c> answers <c>info</c>).
/// </summary>
public static class LocalInfrastructure
{
    public const string Setting = "Callvia:LocalInfrastructure";

    public static bool UseExecutables(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode) return false;
        return (builder.Configuration[Setting] ?? "auto").ToLowerInvariant() switch
        {
            "containers" => false,
            "executables" => true,
            _ => !ContainerRuntimeAnswers(),
        };
    }

    private static bool ContainerRuntimeAnswers()
    {
        foreach (var runtime in new[] { "docker", "podman" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, "info")
                    { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
                if (process is null) continue;
                if (process.WaitForExit(5000) && process.ExitCode == 0) return true;
            }
            catch (System.ComponentModel.Win32Exception) { } // not installed
        }
        return false;
    }

    /// <summary>The repository's root (holding Callvia.sln), where the scripts and <c>.data</c> are.</summary>
    public static string RepositoryRoot(IDistributedApplicationBuilder builder)
    {
        for (var dir = new DirectoryInfo(builder.AppHostDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Callvia.sln"))) return dir.FullName;
        return Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
    }
}

/// <summary>Healthy once something accepts TCP connections on 127.0.0.1:port and answers what <paramref name="probe"/> checks.</summary>
public sealed class LoopbackHealthCheck(int port, Func<Stream, CancellationToken, Task<bool>>? probe = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, ct);
            if (probe is not null && !await probe(client.GetStream(), ct)) return HealthCheckResult.Unhealthy("not ready");
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }

    /// <summary>Redis answers PING with +PONG.</summary>
    public static async Task<bool> RedisPong(Stream stream, CancellationToken ct)
    {
        await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
        var buffer = new byte[16];
        var n = await stream.ReadAsync(buffer, ct);
        return n >= 5 && System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
    }
}

/// <summary>
/// PostgreSQL (the owner's connection to <c>callviadb</c>, its endpoint) and Redis as the rest of the topology sees
/// them, whichever way they run, and what a resource waits for before it starts: <see cref="Ready"/> healthy,
/// <see cref="Completed"/> finished (one-shot set-up).
/// </summary>
public sealed record Infrastructure(IResourceBuilder<IResourceWithConnectionString> Database, EndpointReference Postgres,
    IResourceBuilder<IResourceWithConnectionString> Cache, IReadOnlyList<IResource> Ready, IReadOnlyList<IResource> Completed);

public static class InfrastructureExtensions
{
    public static IResourceBuilder<T> WaitForInfrastructure<T>(this IResourceBuilder<T> resource, Infrastructure infra) where T : IResourceWithWaitSupport
    {
        foreach (var ready in infra.Ready) resource.WaitFor(resource.ApplicationBuilder.CreateResourceBuilder(ready));
        foreach (var done in infra.Completed) resource.WaitForCompletion(resource.ApplicationBuilder.CreateResourceBuilder(done));
        return resource;
    }
}

/// <summary>Healthy once PostgreSQL on 127.0.0.1:port answers a query as the superuser (not merely accepts connections while starting).</summary>
public sealed class PostgresHealthCheck(int port, ParameterResource password) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1", Port = port, Username = "postgres", Password = await password.GetValueAsync(ct), Database = "postgres",
                Timeout = 3, Pooling = false,
            };
            await using var conn = new Npgsql.NpgsqlConnection(builder.ConnectionString);
            await conn.OpenAsync(ct);
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT 1", conn);
            await cmd.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or SocketException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
