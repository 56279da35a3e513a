using System.Security.Cryptography;
using Callvia.Core.Campaigns;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Callvia.Core.Identity;

/// <summary>
/// Creates and revokes partner applications (client credentials), bound to one client or to the agency. Works in the
/// caller's scope: a tenant scope sees and revokes its own applications only; agency-bound ones need the agency scope.
/// The secret is generated here, returned once, and stored only as OpenIddict's hash.
/// </summary>
public sealed class PartnerApps(IOpenIddictApplicationManager applications, TimeProvider clock)
{
    public const int MaxNameLength = 100;

    /// <summary>A new application named <paramref name="name"/>; its OAuth client id is derived from <paramref name="prefix"/> (the slug, or "agency").</summary>
    public async Task<(PartnerApplication? Application, string? Secret, List<FieldIssue> Issues)> CreateAsync(
        string? name, string prefix, Guid? clientId, CancellationToken ct)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            return (null, null, [new FieldIssue("name", $"The name must have 1 to {MaxNameLength} characters.")]);
        var identifier = $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        await EnsureAsync(identifier, secret, name, clientId, ct);
        return ((PartnerApplication?)await applications.FindByClientIdAsync(identifier, ct), secret, []);
    }

    /// <summary>Deletes the application (and any stored authorizations and tokens); its issued tokens are refused from then on.</summary>
    public async Task<PartnerApplication?> RevokeAsync(Guid id, CancellationToken ct)
    {
        if (await applications.FindByIdAsync(id.ToString(), ct) is not PartnerApplication application) return null;
        await applications.DeleteAsync(application, ct);
        return application;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

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
