using Callvia.Core.Tenancy;
using Callvia.Web.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Callvia.Portal.Hosting;

/// <summary>
/// A page of a client's portal: the host's client, its time zone, and whether the signed-in person may administer
/// (<see cref="Administrators"/>, the API's rule). A <c>client_user</c> sees every page; what administers (creating and
/// changing campaigns, uploading leads, editing leads, settings) answers it 403 and is not offered to it.
/// </summary>
public abstract class PortalPage : PageModel
{
    protected TenantContext Tenant => HttpContext.RequestServices.GetRequiredService<TenantContext>();

    public string TimeZone => Tenant.Tenant?.TimeZone ?? "UTC";

    public bool CanAdminister => Administrators.CanAdminister(User, Tenant);

    /// <summary>The friendly 403 page (status-code re-execution), not a redirect to the sign-in.</summary>
    protected IActionResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);

    /// <summary>The first error of a field (its binder's, or ours), to show next to it.</summary>
    public string? FieldError(string key) =>
        ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;
}
