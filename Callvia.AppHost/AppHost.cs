using Callvia.AppHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var builder = DistributedApplication.CreateBuilder(args);

// Secrets: `dotnet user-secrets set Parameters:<name> ...` locally (the run command writes them); azd prompts for them.
var postgresPassword = builder.AddParameter("postgres-password", secret: true);
var appPassword = builder.AddParameter("callvia-app-password", secret: true);
var tokenKey = builder.AddParameter("auth-token-key", secret: true);   // base64, 32+ bytes
var demoPassword = builder.AddParameter("demo-password", secret: true);
var partnerSecret = builder.AddParameter("partner-secret", secret: true);
var rootDomain = builder.AddParameter("root-domain", "localhost");

// PostgreSQL and Redis: containers, or the machine's binaries as executables (LocalInfrastructure)
var infra = LocalInfrastructure.UseExecutables(builder) ? Executables(builder, postgresPassword) : Containers(builder, postgresPassword);
var (callviadb, postgresEndpoint, cache) = (infra.Database, infra.Postgres, infra.Cache);

// The services connect as callvia_app, a role that owns no tables, so row-level security applies to
// it; the migration step (as the server's owner) creates that role with this password and grants it DML.
var appConnection = ReferenceExpression.Create(
    $"Host={postgresEndpoint.Property(EndpointProperty.Host)};Port={postgresEndpoint.Property(EndpointProperty.Port)};Database=callviadb;Username=callvia_app;Password={appPassword}");

var migrations = builder.AddProject<Projects.Callvia_Jobs>("migrations", launchProfileName: null)
    .WithArgs(builder.ExecutionContext.IsRunMode ? ["migrate", "--seed"] : ["migrate"])
    .WithEnvironment("ConnectionStrings__callviadb_owner", callviadb)
    .WithEnvironment("ConnectionStrings__callviadb", appConnection)
    .WithReference(cache)
    .WithEnvironment("Seed__DemoPassword", demoPassword)
    .WithEnvironment("Seed__PartnerSecret", partnerSecret)
    .WaitForInfrastructure(infra);

IResourceBuilder<ProjectResource> Service<T>(string name) where T : IProjectMetadata, new() =>
    builder.AddProject<T>(name, launchProfileName: null)
        // a fixed port when configured (the run command: Callvia:Ports:api=5080, ...), else one Aspire picks
        .WithHttpEndpoint(port: builder.Configuration.GetValue<int?>($"Callvia:Ports:{name}"))
        .WithEnvironment("ConnectionStrings__callviadb", appConnection)
        .WithReference(cache)
        .WithEnvironment("Callvia__RootDomain", rootDomain)
        .WaitForInfrastructure(infra)
        .WaitForCompletion(migrations)
        .WithHttpHealthCheck("/health");

var api = Service<Projects.Callvia_Api>("api")
    .WithEnvironment("Auth__TokenKey", tokenKey)
    .WithExternalHttpEndpoints();

var jobs = Service<Projects.Callvia_Jobs>("jobs");

var portal = Service<Projects.Callvia_Portal>("portal")
    .WithReference(api)  // the webhook addresses shown in a client's settings
    .WithReference(jobs) // the agency console's link to the jobs dashboard
    .WithExternalHttpEndpoints();

// Retell: the platform's account when a key is given (always in a deployment: azd asks for it); otherwise, in a local run,
// the sandbox simulator takes its place — the dialer calls it, it plays each call back through the API's signed webhooks,
// and everything it does is marked simulated (docs/dialer.md). Never silently nothing.
IResourceBuilder<ParameterResource> retellKey;
if (builder.ExecutionContext.IsPublishMode || builder.Configuration["Parameters:retell-api-key"] is { Length: > 0 })
{
    retellKey = builder.AddParameter("retell-api-key", secret: true);
}
else
{
    var key = "sim_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    retellKey = builder.AddParameter("sandbox-key", () => key, secret: true);
    var sandbox = builder.AddProject<Projects.Callvia_Sandbox>("sandbox", launchProfileName: null)
        .WithHttpEndpoint(port: builder.Configuration.GetValue<int?>("Callvia:Ports:sandbox"))
        .WithEnvironment("Sandbox__ApiKey", retellKey)
        .WithEnvironment("Sandbox__ApiUrl", api.GetEndpoint("http"))
        .WithEnvironment("Sandbox__RootDomain", rootDomain)
        .WithHttpHealthCheck("/health")
        .WaitFor(api);
    foreach (var service in new[] { api, jobs, portal })
        service.WithEnvironment("Dialer__Retell__Simulated", "true");
    jobs.WithEnvironment("Dialer__Retell__BaseUrl", sandbox.GetEndpoint("http"));
}
// the API verifies Retell's webhooks with it, the jobs service places calls with it, the portal shows whether calls are placed
foreach (var service in new[] { api, jobs, portal })
    service.WithEnvironment("Dialer__Retell__ApiKey", retellKey);

builder.Build().Run();

static Infrastructure Containers(IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> password)
{
    var postgres = builder.AddPostgres("postgres", password: password).WithDataVolume();
    var database = postgres.AddDatabase("callviadb");
    var cache = builder.AddRedis("cache").WithDataVolume();
    return new Infrastructure(database, postgres.Resource.PrimaryEndpoint, cache, Ready: [database.Resource, cache.Resource], Completed: []);
}

static Infrastructure Executables(IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> password)
{
    var root = LocalInfrastructure.RepositoryRoot(builder);
    var script = Path.Combine(root, "scripts", "lib", "infra-resource.sh");
    var data = builder.Configuration["Callvia:DataDirectory"] is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(root, ".data", "apphost");
    var pgPort = builder.Configuration.GetValue("Callvia:PostgresPort", 55432);
    var redisPort = builder.Configuration.GetValue("Callvia:RedisPort", 56379);

    // one-shot: installs PostgreSQL and Redis when missing, initializes the data folder once
    var init = builder.AddExecutable("postgres-init", "bash", root, script, "pg-init", data)
        .WithEnvironment("PG_SUPER_PASSWORD", password);
    builder.Services.AddHealthChecks().AddCheck("postgres-ready", new PostgresHealthCheck(pgPort, password.Resource));
    var postgres = builder.AddExecutable("postgres", "bash", root, script, "postgres", data, pgPort.ToString())
        .WithEnvironment("CALLVIA_PG_SHARED_BUFFERS", builder.Configuration["Callvia:PostgresSharedBuffers"] ?? "1GB")
        .WithEndpoint(port: pgPort, targetPort: pgPort, scheme: "tcp", name: "tcp", isProxied: false)
        .WithHealthCheck("postgres-ready")
        .WaitForCompletion(init);
    // one-shot, once PostgreSQL answers: the database (Aspire's AddDatabase does this for the container)
    var database = builder.AddExecutable("postgres-database", "bash", root, script, "pg-database", data, pgPort.ToString(), "callviadb")
        .WaitFor(postgres);
    var endpoint = postgres.GetEndpoint("tcp");
    var owner = builder.AddConnectionString("callviadb", ReferenceExpression.Create(
        $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Database=callviadb;Username=postgres;Password={password}"));

    builder.Services.AddHealthChecks().AddCheck("redis-ready", new LoopbackHealthCheck(redisPort, LoopbackHealthCheck.RedisPong));
    var redis = builder.AddExecutable("redis", "bash", root, script, "redis", data, redisPort.ToString())
        .WithEndpoint(port: redisPort, targetPort: redisPort, scheme: "tcp", name: "tcp", isProxied: false)
        .WithHealthCheck("redis-ready")
        .WaitForCompletion(init);
    var redisEndpoint = redis.GetEndpoint("tcp");
    var cache = builder.AddConnectionString("cache", ReferenceExpression.Create(
        $"{redisEndpoint.Property(EndpointProperty.Host)}:{redisEndpoint.Property(EndpointProperty.Port)}"));
    return new Infrastructure(owner, endpoint, cache, Ready: [postgres.Resource, redis.Resource], Completed: [database.Resource]);
}
