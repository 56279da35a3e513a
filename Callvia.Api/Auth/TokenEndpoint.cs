using Callvia.Web;
using System.Security.Claims;
using Callvia.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Callvia.Api.Auth;

public static class TokenEndpoint
{
    /// <summary>
    /// <c>POST /connect/token</c>. OpenIddict has already authenticated the application, inside the host
    /// tenant's scope: an application of another tenant is not found (invalid_client). The token carries
    /// the application's tenant, checked against the host on every API call.
    /// </summary>
    public static void MapTokenEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/connect/token", IssueAsync).AllowAnonymous().ExcludeFromDescription().WithBodyLimit(BodyLimit.Json);

    private static async Task<IResult> IssueAsync(HttpContext http, IOpenIddictApplicationManager applications)
    {
        var request = http.GetOpenIddictServerRequest()
                      ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (!request.IsClientCredentialsGrantType())
            return Reject(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");

        if (await applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted) is not PartnerApplication application)
            return Reject(Errors.InvalidClient, "The client application was not found.");

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, application.ClientId);
        identity.SetClaim(Claims.Name, application.DisplayName ?? application.ClientId);
        if (application.OwnerClientId is { } tenant)
        {
            identity.SetClaim(CallviaClaims.ClientId, tenant.ToString());
            identity.AddClaim(new Claim(Claims.Role, Roles.Partner));
        }
        else
        {
            identity.AddClaim(new Claim(Claims.Role, Roles.AgencyAdmin));
        }
        identity.SetScopes(request.GetScopes().Intersect([OpenIddictRegistration.ApiScope]));
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Reject(string error, string description) =>
        Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme],
            properties: new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }));
}
