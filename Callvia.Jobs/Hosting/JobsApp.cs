using Callvia.Core;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Callvia.Core.Jobs;
using Callvia.Core.Tenancy;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Identity;

namespace Callvia.Jobs.Hosting;

public static class JobsApp
{
    /// <summary>Builds the jobs service; tests pass <paramref name="configure"/> to adjust configuration.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CallviaWebHost.CreateBuilder(typeof(JobsApp), args, configure);
        builder.Services.AddCallviaIdentity(browserRedirects: false);
        builder.Services.AddAuthorizationBuilder().AddCallviaPolicies(IdentityConstants.ApplicationScheme);
        builder.AddCallviaHangfire(runServer: true);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        // Agency admins only: the portal's session cookie (same key ring) is read here.
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [],
            DisplayStorageConnectionString = false,
            DashboardTitle = "Callvia jobs",
        }).RequireAuthorization(CallviaPolicies.Agency);
        return app;
    }
}

public static class HangfireRegistration
{
    /// <summary>
    /// Hangfire on PostgreSQL (schema prepared by the migration step, not here), with the tenant
    /// filter and activator. The API uses it as a client only; the jobs service also runs the server.
    /// </summary>
    public static IHostApplicationBuilder AddCallviaHangfire(this IHostApplicationBuilder builder, bool runServer)
    {
        var connection = builder.Configuration.GetConnectionString(CoreRegistration.DatabaseConnectionName)!;
        builder.Services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseFilter(new TenantJobFilter())
            .UseActivator(new TenantJobActivator(sp.GetRequiredService<IServiceScopeFactory>()))
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connection), new PostgreSqlStorageOptions
            {
                SchemaName = DatabaseMigrator.HangfireSchema,
                PrepareSchemaIfNecessary = false,
                QueuePollInterval = TimeSpan.FromSeconds(1),
            }));
        if (runServer)
            builder.Services.AddHangfireServer(o => o.WorkerCount = builder.Configuration.GetValue("Jobs:Workers", Environment.ProcessorCount * 5));
        return builder;
    }
}
