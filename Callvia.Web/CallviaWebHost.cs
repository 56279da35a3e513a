using Callvia.Core;
using Callvia.Core.Auditing;
using Callvia.Web.Auditing;
using Callvia.Web.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Callvia.Web;

/// <summary>What every service's builder starts with; the services add their own parts on top.</summary>
public static class CallviaWebHost
{
    /// <param name="app">A type of the service's assembly: its name is the application name, so Razor Pages
    /// and controllers are found also when a test hosts the service.</param>
    /// <param name="configure">Runs before anything reads configuration (tests add theirs here).</param>
    public static WebApplicationBuilder CreateBuilder(Type app, string[] args, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = app.Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddCallviaCore();
        // who the audit trail names: the request's caller; tenant authorization (part of every fallback policy)
        builder.Services.AddHttpContextAccessor();
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuditCaller, HttpAuditCaller>());
        builder.Services.AddOptions<ActAsOptions>();
        builder.Services.AddScoped<IAuthorizationHandler, SameTenantHandler>();
        builder.Services.AddScoped<Identity.TenantSignIn>();
        // TLS ends at the ingress in front of the services; trust its forwarded scheme and host.
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);
        // bodies: 1 MB unless an endpoint says otherwise (BodyLimit.cs); unreadable requests are 4xx (RequestErrorHandler.cs)
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = BodyLimit.Default);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<RequestErrorHandler>();
        // a body minimal APIs cannot bind (not JSON, a lone surrogate) is thrown, so RequestErrorHandler says why
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }
}
