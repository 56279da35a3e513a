using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

#pragma warning disable IDE0130 // the Aspire convention: service defaults extend Microsoft.Extensions.Hosting, where builders look for them
namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Callvia service shares: OpenTelemetry, health checks, service discovery and resilient
/// HttpClient defaults (the shape of an Aspire ServiceDefaults project).
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string ReadyTag = "ready";
    private const string HealthPath = "/health";
    private const string AlivePath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddBasicServiceDefaults();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Health and telemetry only, for hosts that make no outbound HTTP calls.</summary>
    public static TBuilder AddBasicServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Telemetry only when a collector is configured (the AppHost's dashboard, or Azure Monitor's OTLP
        // endpoint, sets this variable). Without one, traces and metrics would be recorded for nobody:
        // measured at about a fifth of the API's CPU under webhook load (bench/webhooks.sh).
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            return builder;

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql", "Callvia"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "Npgsql", "Callvia")
                .AddAspNetCoreInstrumentation(o =>
                    // health probes would drown the traces
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments(HealthPath)
                                      && !ctx.Request.Path.StartsWithSegments(AlivePath))
                .AddHttpClientInstrumentation());

        builder.Services.AddOpenTelemetry().UseOtlpExporter();

        return builder;
    }

    /// <summary>
    /// <c>/health</c>: ready (every check tagged "ready", i.e. PostgreSQL and Redis reachable);
    /// <c>/alive</c>: the process answers. Mapped in every environment: orchestrators probe them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions
        {
            Predicate = _ => true, // every check: the process, PostgreSQL and Redis (Aspire's integrations register theirs)
        }).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
        }).AllowAnonymous();
        return app;
    }
}
