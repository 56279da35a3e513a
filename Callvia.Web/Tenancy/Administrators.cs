using System.Security.Claims;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;

namespace Callvia.Web.Tenancy;

/// <summary>
/// Who may administer a client, one rule for the API and the portal: the host client's admins (<c>client_admin</c>)
/// or the agency (an agency admin, an agency-bound token). A <c>client_user</c> sees and verifies; a partner token
/// (role <c>partner</c>) is no admin either, so a leaked partner secret cannot mint applications, read the users or
/// change provider secrets. The caller has already been checked to belong to the host's client.
/// </summary>
public static class Administrators
{
    public static bool CanAdminister(ClaimsPrincipal user, TenantContext tenant) =>
        SameTenantHandler.IsAgencyPrincipal(user) || IsClientAdmin(user, tenant);

    public static bool IsClientAdmin(ClaimsPrincipal user, TenantContext tenant) =>
        user.IsInRole(Roles.ClientAdmin) && tenant.ClientId is not null;
}
