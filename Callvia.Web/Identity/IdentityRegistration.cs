using System.Security.Claims;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Callvia.Web.Identity;

public static class IdentityRegistration
{
    public const string SessionCookieName = ".callvia.session";

    /// <summary>
    /// ASP.NET Core Identity over <see cref="CallviaDbContext"/> with the session cookie every service
    /// reads the same way (same name, same scheme, same Data Protection key ring). Cookies are bound to
    /// the host that set them (no Domain), and <see cref="Web.Tenancy.SameTenantRequirement"/> checks the
    /// tenant claim against the host on every request besides.
    /// </summary>
    /// <param name="browserRedirects">Portal: redirect to the sign-in page. API, jobs: answer 401/403.</param>
    public static IServiceCollection AddCallviaIdentity(this IServiceCollection services, bool browserRedirects)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<AppRole>()
            .AddEntityFrameworkStores<CallviaDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<CallviaClaimsFactory>()
            .AddDefaultTokenProviders();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = SessionCookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/denied";
            if (!browserRedirects)
            {
                o.Events.OnRedirectToLogin = ctx => { ctx.Response.StatusCode = 401; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = ctx => { ctx.Response.StatusCode = 403; return Task.CompletedTask; };
            }
        });
        return services;
    }
}

/// <summary>Adds the user's client to the session, so that every request can be checked against its host.</summary>
public sealed class CallviaClaimsFactory(UserManager<AppUser> users, RoleManager<AppRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, AppRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.ClientId is { } clientId)
            identity.AddClaim(new Claim(CallviaClaims.ClientId, clientId.ToString()));
        if (!string.IsNullOrEmpty(user.DisplayName))
            identity.AddClaim(new Claim("display_name", user.DisplayName));
        return identity;
    }
}
