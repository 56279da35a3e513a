using System.Diagnostics;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Xunit;

namespace Callvia.AppHost.Tests;

/// <summary>
/// The AppHost's application model, built without starting anything: the resources, what each waits for, the secret
/// parameters and the settings the services need; in publish mode (what azd deploys) and in a local run without a
/// container runtime (PostgreSQL and Redis as executables).
/// </summary>
public sealed class AppModelShould
{
    private static readonly string[] Services = ["api", "jobs", "portal"];

    [Fact]
    public async Task Describe_the_platform_for_deployment_with_containers_secrets_and_ordered_start()
    {
        var manifest = Path.Combine(Path.GetTempPath(), $"callvia-manifest-{Guid.NewGuid():N}.json");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Callvia_AppHost>(
            ["--publisher", "manifest", "--output-path", manifest]);
        var resources = builder.Resources.ToDictionary(r => r.Name);

        Assert.IsType<PostgresServerResource>(resources["postgres"]);
        Assert.IsType<PostgresDatabaseResource>(resources["callviadb"]);
        Assert.IsType<RedisResource>(resources["cache"]);
        Assert.DoesNotContain(resources.Values, r => r is ExecutableResource);
        foreach (var secret in new[] { "postgres-password", "callvia-app-password", "auth-token-key", "demo-password", "partner-secret" })
            Assert.True(Assert.IsType<ParameterResource>(resources[secret]).Secret, secret);
        Assert.False(((ParameterResource)resources["root-domain"]).Secret);

        var migrations = (ProjectResource)resources["migrations"];
        Assert.Equal(["migrate"], await ArgsAsync(migrations)); // no demo data outside a local run
        var migrationEnv = await EnvAsync(migrations);
        Assert.Equal("{callviadb.connectionString}", migrationEnv["ConnectionStrings__callviadb_owner"]);
        Assert.Contains("Username=callvia_app;Password={callvia-app-password.value}", migrationEnv["ConnectionStrings__callviadb"]);
        Assert.Equal(["cache", "callviadb", "postgres"], Waits(migrations, WaitType.WaitUntilHealthy).Order());

        foreach (var name in Services)
        {
            var service = (ProjectResource)resources[name];
            var env = await EnvAsync(service);
            // the app role, never the owner; Redis; the host names
            Assert.Contains("Username=callvia_app;Password={callvia-app-password.value}", env["ConnectionStrings__callviadb"]);
            Assert.DoesNotContain("callviadb_owner", string.Join(",", env.Keys), StringComparison.OrdinalIgnoreCase);
            Assert.Equal("{cache.connectionString}", env["ConnectionStrings__cache"]);
            Assert.Equal("{root-domain.value}", env["Callvia__RootDomain"]);
            Assert.Equal(["migrations"], Waits(service, WaitType.WaitForCompletion));
            Assert.Equal(["cache", "callviadb", "postgres"], Waits(service, WaitType.WaitUntilHealthy).Order());
            Assert.Contains(service.Annotations.OfType<HealthCheckAnnotation>(), _ => true);
        }
        Assert.Equal("{auth-token-key.value}", (await EnvAsync((ProjectResource)resources["api"]))["Auth__TokenKey"]);
    }

    [Fact]
    public async Task Run_PostgreSQL_and_Redis_from_the_machines_binaries_without_a_container_runtime()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Callvia_AppHost>(
            ["--Callvia:LocalInfrastructure=executables"]);
        var resources = builder.Resources.ToDictionary(r => r.Name);

        Assert.DoesNotContain(resources.Values, r => r is ContainerResource);
        var init = Assert.IsType<ExecutableResource>(resources["postgres-init"]);
        var postgres = Assert.IsType<ExecutableResource>(resources["postgres"]);
        Assert.IsType<ExecutableResource>(resources["postgres-database"]);
        var redis = Assert.IsType<ExecutableResource>(resources["redis"]);
        Assert.Contains("pg-init", await ArgsAsync(init));
        Assert.Contains(Path.Combine(".data", "apphost"), string.Join(" ", await ArgsAsync(postgres)));
        Assert.Equal(["postgres-init"], Waits(postgres, WaitType.WaitForCompletion));
        Assert.Equal(["postgres-init"], Waits(redis, WaitType.WaitForCompletion));
        Assert.Contains(postgres.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key == "postgres-ready");
        Assert.Contains(redis.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key == "redis-ready");
        // a local run seeds the demo tenants; everything waits for the database to exist and the servers to answer
        var migrations = (ProjectResource)resources["migrations"];
        Assert.Equal(["migrate", "--seed"], await ArgsAsync(migrations));
        Assert.Equal(["postgres-database"], Waits(migrations, WaitType.WaitForCompletion));
        Assert.Equal(["postgres", "redis"], Waits(migrations, WaitType.WaitUntilHealthy).Order());
        foreach (var name in Services)
            Assert.Equal(["migrations", "postgres-database"], Waits((ProjectResource)resources[name], WaitType.WaitForCompletion).Order());
    }

    [Fact]
    public async Task Write_the_deployment_manifest_azd_reads()
    {
        var output = Path.Combine(Path.GetTempPath(), $"callvia-manifest-{Guid.NewGuid():N}.json");
        var appHost = Path.Combine(AppContext.BaseDirectory, "Callvia.AppHost.dll");
        var info = new ProcessStartInfo("dotnet", [appHost, "--publisher", "manifest", "--output-path", output])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stdout + await stderr);

        var resources = JsonDocument.Parse(await File.ReadAllTextAsync(output)).RootElement.GetProperty("resources");
        string Type(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;
        Assert.StartsWith("container.", Type("postgres"));
        Assert.Equal("value.v0", Type("callviadb"));
        Assert.StartsWith("container.", Type("cache"));
        foreach (var name in Services.Append("migrations"))
            Assert.Equal("project.v0", Type(name));
        Assert.True(resources.GetProperty("auth-token-key").GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        var api = resources.GetProperty("api");
        Assert.Equal("{auth-token-key.value}", api.GetProperty("env").GetProperty("Auth__TokenKey").GetString());
        Assert.True(api.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.False(resources.GetProperty("jobs").GetProperty("bindings").GetProperty("http").TryGetProperty("external", out var external) && external.GetBoolean());
    }

    private static async Task<string[]> ArgsAsync(IResource resource)
    {
        var context = new CommandLineArgsCallbackContext([], resource);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
            await callback.Callback(context);
        var args = new List<string>();
        args.AddRange(context.Args.Select(a => a?.ToString() ?? ""));
        return args.ToArray();
    }

    // Known shortcut: Aspire 13.6 marks this obsolete in favour of ExecutionConfigurationBuilder; it still evaluates
    // the environment as the manifest publisher does, which is what these assertions need.
#pragma warning disable CS0618
    private static async Task<Dictionary<string, string>> EnvAsync(IResourceWithEnvironment resource) =>
        (await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish)).ToDictionary();
#pragma warning restore CS0618

    private static string[] Waits(IResource resource, WaitType type) =>
        resource.Annotations.OfType<WaitAnnotation>().Where(w => w.WaitType == type).Select(w => w.Resource.Name).ToArray();
}
