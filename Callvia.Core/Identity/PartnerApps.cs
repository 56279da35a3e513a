using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Callvia.Core.Identity;

/// <summary>Creates partner applications (client credentials), bound to one client or to the agency.</summary>
public sealed class PartnerApps(IOpenIddictApplicationManager applications, TimeProvider clock)
{
    /// <summary>Creates the application unless one with this client id exists. Returns whether it created one.</summary>
    public async Task<bool> EnsureAsync(string clientIdentifier, string secret, string displayName, Guid? clientId, CancellationToken ct = default)
    {
        if (await applications.FindByClientIdAsync(clientIdentifier, ct) is not null)
            return false;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientIdentifier,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.Prefixes.Scope + OpenIddictRegistration.ApiScope,
            },
        };
        var application = new PartnerApplication { OwnerClientId = clientId, CreatedAt = clock.GetUtcNow() };
        await applications.PopulateAsync(application, descriptor, ct);
        // the manager hashes the secret; it is never stored as given
        await applications.CreateAsync(application, secret, ct);
        return true;
    }
}
