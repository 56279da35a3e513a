using OpenIddict.EntityFrameworkCore.Models;

namespace Callvia.Core.Identity;

/// <summary>
/// An OAuth2 client-credentials application of a partner, bound to one client (tenant), or to the
/// agency when <see cref="OwnerClientId"/> is null. Its row is visible only inside its tenant's scope, so a
/// token request on another tenant's host does not find it (invalid_client).
/// </summary>
public class PartnerApplication : OpenIddictEntityFrameworkCoreApplication<Guid, PartnerAuthorization, PartnerToken>
{
    public PartnerApplication() => Id = Guid.CreateVersion7();
    /// <summary>The tenant (clients.id); named apart from OpenIddict's own OAuth <c>ClientId</c>.</summary>
    public Guid? OwnerClientId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public class PartnerAuthorization : OpenIddictEntityFrameworkCoreAuthorization<Guid, PartnerApplication, PartnerToken>;

public class PartnerScope : OpenIddictEntityFrameworkCoreScope<Guid>;

public class PartnerToken : OpenIddictEntityFrameworkCoreToken<Guid, PartnerApplication, PartnerAuthorization>;
