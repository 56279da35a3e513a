using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Callvia.Api.Auth;

/// <summary>
/// Access tokens are self-contained (no token rows), so OpenIddict alone would accept a revoked application's token
/// until it expires (1 hour). This check runs after the token's signature, lifetime and issuer passed: the
/// application named by the token's subject must still exist in the host tenant's scope, else the token is refused
/// (401). One indexed lookup per bearer request; no cache, so a revocation holds on every instance at once.
/// </summary>
public sealed class RevokedApplications(IOpenIddictApplicationManager applications) : IOpenIddictValidationHandler<ValidateTokenContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<RevokedApplications>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateExpirationDate.Descriptor.Order + 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Principal is not { } principal) return;
        var application = principal.GetClaim(Claims.Subject);
        if (string.IsNullOrEmpty(application) || await applications.FindByClientIdAsync(application, context.CancellationToken) is null)
            context.Reject(Errors.InvalidToken, "The application of this token was revoked.");
    }
}
