using Callvia.Core.Tenancy;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Callvia.Web.Tenancy;

/// <summary>Marks an endpoint that answers on any host, without a tenant (health checks, Stripe's webhook).</summary>
public sealed class AnyHostAttribute : Attribute;

/// <summary>
/// Resolves the tenant from the host before anything else runs: <c>{slug}.{RootDomain}</c> → that
/// client; <c>admin.{RootDomain}</c> → the agency console (no tenant); anything else → 404.
/// A suspended client answers 403. Must run after UseRouting (to see endpoint metadata) and before
/// authentication (sign-in and token lookups happen inside the tenant's scope).
/// </summary>
public sealed class TenantResolutionMiddleware(RequestDelegate next, IOptions<TenancyOptions> options, TenantStore store, bool htmlErrors)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var tenantContext = http.RequestServices.GetRequiredService<TenantContext>();
        var anyHost = http.GetEndpoint()?.Metadata.GetMetadata<AnyHostAttribute>() is not null
                      || http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/alive");
        var (kind, slug) = HostParser.Parse(http.Request.Host.Host, options.Value.RootDomain);
        switch (kind)
        {
            case HostKind.Admin:
                tenantContext.SetAdminHost();
                break;
            case HostKind.Tenant:
                var tenant = await store.FindBySlugAsync(slug!, http.RequestAborted);
                if (tenant is null)
                {
                    if (anyHost) break;
                    await WriteError(http, HttpStatusCode.NotFound, "Unknown tenant", $"No client is served at '{http.Request.Host.Host}'.");
                    return;
                }
                if (tenant.Status == ClientStatus.Suspended && !anyHost)
                {
                    await WriteError(http, HttpStatusCode.Forbidden, "Client suspended", $"The account '{tenant.Slug}' is suspended.");
                    return;
                }
                tenantContext.SetTenant(tenant);
                using (AmbientTenant.Use(tenant.Id))
                    await next(http);
                return;
            default:
                if (anyHost) break;
                await WriteError(http, HttpStatusCode.NotFound, "Unknown host", $"No client is served at '{http.Request.Host.Host}'.");
                return;
        }
        await next(http);
    }

    private Task WriteError(HttpContext http, HttpStatusCode status, string title, string detail)
    {
        http.Response.StatusCode = (int)status;
        if (htmlErrors && !http.Request.Path.StartsWithSegments("/api"))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            return http.Response.WriteAsync(
                $"<!doctype html><html><head><title>{WebUtility.HtmlEncode(title)}</title></head><body>" +
                $"<h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(detail)}</p></body></html>");
        }
        return Results.Problem(title: title, detail: detail, statusCode: (int)status).ExecuteAsync(http);
    }
}

public static class TenantResolutionExtensions
{
    /// <summary>Adds host-based tenant resolution; <paramref name="htmlErrors"/> for browser-facing apps.</summary>
    public static IApplicationBuilder UseTenantResolution(this IApplicationBuilder app, bool htmlErrors = false) =>
        app.UseMiddleware<TenantResolutionMiddleware>(htmlErrors);

    public static TBuilder AllowAnyHost<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnyHostAttribute());
}
