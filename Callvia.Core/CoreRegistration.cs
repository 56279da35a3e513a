using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace Callvia.Core;

public static class CoreRegistration
{
    /// <summary>The connection-string names the AppHost gives its resources.</summary>
    public const string DatabaseConnectionName = "callviadb";
    public const string RedisConnectionName = "cache";

    /// <summary>
    /// Data (PostgreSQL through the app role, with tenant isolation), Redis, tenancy, and Data Protection keys shared by
    /// every service. PostgreSQL and Redis through Aspire's client integrations (their health checks, for
    /// <c>/health</c>, and their telemetry, only when a collector is configured).
    /// </summary>
    public static IHostApplicationBuilder AddCallviaCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        Required(builder.Configuration, DatabaseConnectionName);
        Required(builder.Configuration, RedisConnectionName);
        // without a collector nothing is recorded (ServiceDefaults): the integrations' tracing and metrics stay off too
        var telemetry = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        services.AddOptions<TenancyOptions>().Bind(builder.Configuration.GetSection(TenancyOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.TryAddSingleton<Auditing.IAuditCaller>(Auditing.SystemCaller.Instance);

        services.AddScoped<TenantContext>();
        services.AddScoped<TenantConnectionInterceptor>();
        services.AddSingleton<TenantStore>();
        services.AddSingleton<AgencyAccess>();
        services.AddSingleton<KpiNotifier>();
        services.AddScoped<Identity.PartnerApps>();
        services.AddScoped<Seeding.DemoSeeder>();
        services.AddScoped<Leads.Import.LeadImporter>();
        services.AddScoped<Webhooks.ProviderSecrets>();
        services.AddSingleton<Webhooks.InboxWriter>();
        services.AddScoped<Kpis.KpiService>();
        services.AddScoped<Campaigns.CampaignEditor>();
        services.AddScoped<Leads.LeadEditor>();
        services.AddScoped<Leads.LeadList>();
        services.AddScoped<Leads.LeadTimeline>();
        services.AddScoped<Billing.BillingSummary>();
        services.AddScoped<Identity.ClientUsers>();
        services.AddScoped<Identity.ClientPartnerApps>();
        services.AddScoped<Tenancy.ClientSettings>();
        services.AddScoped<Appointments.AppointmentVerification>();
        services.AddScoped<ClientAdmin>();
        services.AddScoped<Messaging.SuppressionList>();
        services.AddScoped<Webhooks.WebhookInbox>();
        services.AddScoped<Webhooks.WebhookEventProcessor>();
        services.AddScoped<Webhooks.BatchLookups>();
        services.AddSingleton<Webhooks.WebhookMetrics>();
        services.AddScoped<Webhooks.WebhookEventAdmin>();
        services.AddScoped<Calls.RetellCallEvents>();
        services.AddScoped<Dialer.DialerCallEvents>();
        services.AddScoped<Dialer.DialerClaims>();
        services.AddScoped<Dialer.DialerResults>();
        services.AddScoped<Dialer.DialerSwitches>();
        services.AddScoped<Dialer.DialerStatus>();
        services.AddOptions<Dialer.DialerOptions>().Bind(builder.Configuration.GetSection(Dialer.DialerOptions.Section));
        services.AddScoped<Appointments.CalcomBookingEvents>();
        services.AddScoped<Billing.StripeInvoiceEvents>();
        services.AddOptions<Billing.StripeOptions>().Bind(builder.Configuration.GetSection(Billing.StripeOptions.Section));
        services.AddOptions<Billing.BillingOptions>().Bind(builder.Configuration.GetSection(Billing.BillingOptions.Section));
        services.AddSingleton<Billing.StripeGateway>();
        services.AddSingleton<Billing.BillingLinks>();
        services.AddScoped<Billing.UsageInvoices>();
        services.AddScoped<Billing.InvoiceIssuer>();
        services.AddScoped<Billing.MilestoneLedger>();
        services.AddScoped<Billing.MilestoneEvidence>();
        services.AddScoped<Billing.InvoiceActions>();
        services.AddScoped<Messaging.InboundSms>();
        Messaging.Providers.MessagingRegistration.AddCallviaMessaging(services, builder.Configuration);
        services.AddScoped<Leads.Import.LeadImports>();
        services.AddOptions<Leads.Import.LeadImportOptions>().Bind(builder.Configuration.GetSection(Leads.Import.LeadImportOptions.Section));
        services.AddOptions<Seeding.DemoSeedOptions>().Bind(builder.Configuration.GetSection(Seeding.DemoSeedOptions.Section));

        // the data source (Aspire.Npgsql: health check, tracing, metrics); the DbContext is registered here, not pooled
        // and without a retry strategy (the code runs its own transactions), with the tenant interceptor, then enriched
        builder.AddNpgsqlDataSource(DatabaseConnectionName, s =>
        {
            s.DisableTracing = !telemetry;
            s.DisableMetrics = !telemetry;
        }, b => b.Name = DatabaseConnectionName);
        services.AddDbContext<CallviaDbContext>((sp, options) => options
            .UseCallviaNpgsql(sp.GetRequiredService<NpgsqlDataSource>())
            .AddInterceptors(sp.GetRequiredService<TenantConnectionInterceptor>()));
        builder.EnrichNpgsqlDbContext<CallviaDbContext>(s =>
        {
            s.DisableRetry = true;
            s.DisableHealthChecks = true; // the data source's check covers the same server
            s.DisableTracing = !telemetry;
            s.DisableMetrics = !telemetry;
        });

        // the thread pool, not dedicated socket threads: those spun on a core the jobs service needs (measured: 11 % of its CPU)
        builder.AddRedisClient(RedisConnectionName, s => s.DisableTracing = !telemetry, o =>
        {
            o.AbortOnConnectFail = false;
            o.SocketManager = SocketManager.ThreadPool;
        });

        // One key ring for every service, so the portal's session cookie is readable by the API and
        // the jobs dashboard, and provider secrets encrypted by one service decrypt in another.
        services.AddDataProtection().SetApplicationName("Callvia").PersistKeysToDbContext<CallviaDbContext>();
        return builder;
    }

    public static DbContextOptionsBuilder UseCallviaNpgsql(this DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    private static string Required(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string '{name}' is not configured (ConnectionStrings:{name}, or the environment variable ConnectionStrings__{name}).");
}
