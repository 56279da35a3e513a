using Callvia.Core.Auditing;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Identity;

namespace Callvia.Web.Identity;

public enum SignInOutcome { Succeeded, Failed, LockedOut }

/// <summary>
/// Password sign-in on the host's tenant: a user of client A can sign in on A's host only; an agency
/// admin on any host (on a client's host it acts inside that client, which is audited). The lookup runs
/// inside the tenant's scope, so the database does not even return other clients' users.
/// </summary>
public sealed class TenantSignIn(
    SignInManager<AppUser> signIn, UserManager<AppUser> users, TenantContext tenant,
    CallviaDbContext db, IAuditCaller caller, TimeProvider clock)
{
    public async Task<SignInOutcome> PasswordSignInAsync(string email, string password, bool persistent)
    {
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
            return SignInOutcome.Failed;
        var isAgency = user.ClientId is null && await users.IsInRoleAsync(user, Roles.AgencyAdmin);
        if (!isAgency && (tenant.ClientId is not { } hostClient || user.ClientId != hostClient))
            return SignInOutcome.Failed;

        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (check.IsLockedOut) return SignInOutcome.LockedOut;
        if (!check.Succeeded) return SignInOutcome.Failed;

        await signIn.SignInAsync(user, persistent);
        if (isAgency && tenant.ClientId is { } clientId)
            await Audit.WriteAsync(db, caller, clock, "agency.sign_in_to_client", clientId, actor: user.Email);
        return SignInOutcome.Succeeded;
    }
}
