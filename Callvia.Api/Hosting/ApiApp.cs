using Callvia.Web.Tenancy;
using Callvia.Api.Appointments;
using Callvia.Api.Auth;
using Callvia.Api.GraphQL;
using Callvia.Api.GraphQL.WebSockets;
using Callvia.Api.Leads;
using Callvia.Api.Tenancy;
using Callvia.Api.Webhooks;
using Callvia.Core;
using Callvia.Core.Tenancy;
using Callvia.Web;

namespace Callvia.Api.Hosting;

public static class ApiApp
{
    /// <summary>Builds the API; tests pass <paramref name="configure"/> to adjust configuration.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CallviaWebHost.CreateBuilder(typeof(ApiApp), args, configure);
        builder.AddApiAuth();
        builder.Services.AddCallviaGraphQL(builder.Environment);
        builder.Services.AddGraphQLWebSockets(builder.Configuration);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseWebSockets();
        app.UseExceptionHandler();
        app.UseStatusCodeProblems();
        app.UseRouting();
        app.UseBodyLimits();
        app.UseTokenRequestText();
        app.UseTenantResolution();
        app.UseAuthenticationExceptSigned();
        app.MapDefaultEndpoints();
        app.MapTokenEndpoint();
        app.MapGraphQLEndpoint();
        app.MapGraphQLIde();
        app.MapLeadImportApi();
        app.MapAppointmentApi();
        app.MapWebhookApi();
        app.MapProviderSecretsApi();
        Messaging.MessageApi.MapMessageApi(app);
        return app;
    }
}
