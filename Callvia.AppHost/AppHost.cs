using Aspire.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// Secrets: `dotnet user-secrets set Parameters:callvia-app-password ...` locally; azd prompts for them.
var appPassword = builder.AddParameter("callvia-app-password", secret: true);
var tokenKey = builder.AddParameter("auth-token-key", secret: true);   // base64, 32+ bytes
var rootDomain = builder.AddParameter("root-domain", "localhost");

if (builder.ExecutionContext.IsPublishMode)
    builder.AddAzureContainerAppEnvironment("callvia-env");

var postgres = builder.AddPostgres("postgres").WithDataVolume();
var callviadb = postgres.AddDatabase("callviadb");
var cache = builder.AddRedis("cache").WithDataVolume();

// The services connect as callvia_app, a role that owns no tables, so row-level security applies to
// it; the migration step (as the server's owner) creates that role with this password and grants it DML.
var endpoint = postgres.Resource.PrimaryEndpoint;
var appConnection = ReferenceExpression.Create(
    $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Database=callviadb;Username=callvia_app;Password={appPassword}");

var migrations = builder.AddProject<Projects.Callvia_Jobs>("migrations")
    .WithArgs(builder.ExecutionContext.IsRunMode ? ["migrate", "--seed"] : ["migrate"])
    .WithEnvironment("ConnectionStrings__callviadb_owner", callviadb.Resource.ConnectionStringExpression)
    .WithEnvironment("ConnectionStrings__callviadb", appConnection)
    .WithReference(cache)
    .WithEnvironment("Seed__DemoPassword", appPassword)
    .WithEnvironment("Seed__PartnerSecret", appPassword)
    .WaitFor(callviadb)
    .WaitFor(cache);

IResourceBuilder<ProjectResource> Service<T>(string name) where T : IProjectMetadata, new() =>
    builder.AddProject<T>(name)
        .WithEnvironment("ConnectionStrings__callviadb", appConnection)
        .WithReference(cache)
        .WithEnvironment("Callvia__RootDomain", rootDomain)
        .WaitFor(callviadb)
        .WaitFor(cache)
        .WaitForCompletion(migrations)
        .WithHttpHealthCheck("/health");

var api = Service<Projects.Callvia_Api>("api")
    .WithEnvironment("Auth__TokenKey", tokenKey)
    .WithExternalHttpEndpoints();

Service<Projects.Callvia_Jobs>("jobs");

Service<Projects.Callvia_Portal>("portal")
    .WithReference(api)
    .WithExternalHttpEndpoints();

builder.Build().Run();
