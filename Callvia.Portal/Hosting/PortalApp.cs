using Callvia.Web.Identity;
using Callvia.Web;
using Callvia.Web.Tenancy;
using Callvia.Core;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Identity;

namespace Callvia.Portal.Hosting;

public static class PortalApp
{
    /// <summary>Builds the portal; tests pass <paramref name="configure"/> to adjust configuration.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CallviaWebHost.CreateBuilder(typeof(PortalApp), args, configure);
        builder.Services.AddCallviaIdentity(browserRedirects: true);
        builder.Services.AddAuthorizationBuilder().AddCallviaPolicies(IdentityConstants.ApplicationScheme);
        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AllowAnonymousToFolder("/Account");
            o.Conventions.AllowAnonymousToPage("/Error");
            o.Conventions.AuthorizeFolder("/Admin", CallviaPolicies.Agency);
        });

        builder.Services.AddSingleton<WebhookUrls>();
        builder.Services.AddCallviaOpenIddictCore(); // the settings' partner applications (OpenIddict's stores, no server)

        var app = builder.Build();
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/error/500");
        // a page that is not there, or not open to the caller, gets a page with a way back (not a blank status)
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        // the portal's own small scripts (wwwroot/js, embedded in the assembly), public like the sign-in page
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new Microsoft.Extensions.FileProviders.EmbeddedFileProvider(typeof(PortalApp).Assembly, "Callvia.Portal.wwwroot"),
            OnPrepareResponse = r => r.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UseRouting();
        app.UseTenantResolution(htmlErrors: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAgencyActAsAudit(); // an agency admin signed in on a client host: each page it opens there is audited
        app.MapDefaultEndpoints();
        app.MapRazorPages();
        app.MapLiveKpis();
        app.MapPortalImports();
        return app;
    }
}
