using Microsoft.AspNetCore.Identity;

namespace Callvia.Core.Identity;

/// <summary>A person who signs in. Belongs to one client; agency admins belong to none.</summary>
public class AppUser : IdentityUser<Guid>
{
    public AppUser() => Id = Guid.CreateVersion7();
    public Guid? ClientId { get; set; }
    public string? DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public class AppRole : IdentityRole<Guid>
{
    public AppRole() => Id = Guid.CreateVersion7();
    public AppRole(string name) : this() { Name = name; NormalizedName = name.ToUpperInvariant(); }
}

public static class Roles
{
    public const string ClientUser = "client_user";
    public const string ClientAdmin = "client_admin";
    public const string AgencyAdmin = "agency_admin";
    /// <summary>Given to partner applications' tokens, never to a person.</summary>
    public const string Partner = "partner";
    public static readonly string[] People = [ClientUser, ClientAdmin, AgencyAdmin];
}

public static class CallviaClaims
{
    /// <summary>The client (tenant) a user or partner token is bound to; absent for the agency.</summary>
    public const string ClientId = "callvia_client_id";
}
