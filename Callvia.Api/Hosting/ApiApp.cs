using Callvia.Api.Auth;
using Callvia.Api.GraphQL;
using Callvia.Core;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.HttpOverrides;

namespace Callvia.Api.Hosting;

public static class ApiApp
{
    /// <summary>Builds the API; tests pass <paramref name="configure"/> to adjust configuration.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ApiApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddCallviaCore();
        builder.AddApiAuth();
        builder.Services.AddCallviaGraphQL(builder.Environment);
        builder.Services.AddProblemDetails();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseTenantResolution();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        app.MapTokenEndpoint();
        app.MapGraphQLEndpoint();
        return app;
    }
}
