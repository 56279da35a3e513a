namespace Callvia.Api.Webhooks;

/// <summary>
/// Marks an endpoint that authenticates its caller by a provider's signature over the body (checked in the
/// handler, against the tenant's secret, before anything is stored) and has no user or token to look for.
/// The API skips the authentication and authorization middleware for such endpoints only — every other
/// endpoint, including any added later under the same path, still gets the fallback policy. Measured: the
/// cookie and OpenIddict handlers were about a third of the API's CPU under webhook load (bench/webhooks.sh).
/// </summary>
public sealed class SignatureAuthenticated
{
    public static readonly SignatureAuthenticated Instance = new();

    private SignatureAuthenticated() { }

    public static bool Applies(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<SignatureAuthenticated>() is not null;
}

public static class SignatureAuthenticatedExtensions
{
    public static TBuilder SignatureAuthenticated<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Webhooks.SignatureAuthenticated.Instance);

    /// <summary>Authentication and authorization for every endpoint except the signature-authenticated ones.</summary>
    public static IApplicationBuilder UseAuthenticationExceptSigned(this IApplicationBuilder app)
    {
        app.UseWhen(http => !Webhooks.SignatureAuthenticated.Applies(http), branch =>
        {
            branch.UseAuthentication();
            branch.UseAuthorization();
            Web.Tenancy.AgencyActAs.UseAgencyActAsAudit(branch);
        });
        // WebApplication adds both middlewares at the front of the pipeline itself unless it sees them
        // registered on the main builder; registered in a branch, they must be declared here (these are
        // the keys UseAuthentication/UseAuthorization set).
        app.Properties["__AuthenticationMiddlewareSet"] = true;
        app.Properties["__AuthorizationMiddlewareSet"] = true;
        return app;
    }
}
