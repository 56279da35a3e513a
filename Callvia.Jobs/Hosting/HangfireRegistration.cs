using Callvia.Core;
using Callvia.Core.Data;
using Callvia.Jobs.Tenancy;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Callvia.Jobs.Hosting;

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
                // an enqueued job wakes a waiting worker at once (LISTEN/NOTIFY) instead of at its next poll: a call's end
                // webhook frees its slot that much sooner (bench/dialer.sh measured the poll as most of a slot's idle time)
                EnableLongPolling = true,
            }));
        if (runServer)
            builder.Services.AddHangfireServer(o => o.WorkerCount = builder.Configuration.GetValue("Jobs:Workers", Environment.ProcessorCount * 5));
        return builder;
    }
}
