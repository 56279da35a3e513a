using Callvia.Core.Auditing;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Identity;

/// <summary>A portal user of the client: never the password hash, security stamp or other Identity internals.</summary>
public sealed record UserView(Guid Id, string Email, string? DisplayName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, bool LockedOut);

/// <summary>
/// A client's portal users, in one place (the API's <c>users</c> and the portal's settings): list them, add one with a
/// role (<c>client_user</c> or <c>client_admin</c>) who sets a password through a one-time link, change a role, remove
/// one. A client always keeps an admin (the last one cannot be removed or demoted), nobody removes themselves, and an
/// agency admin is never one of a client's users. Every change is audited. The caller checks who may administer.
/// </summary>
public sealed class ClientUsers(CallviaDbContext db, UserManager<AppUser> users, IAuditCaller caller, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Assignable = [Roles.ClientUser, Roles.ClientAdmin];

    public async Task<List<UserView>> ListAsync(Guid clientId, Guid? only, CancellationToken ct)
    {
        // agency admins (no client) are visible to every tenant scope for sign-in: keep to the client's own
        var rows = await db.Users.AsNoTracking().Where(u => u.ClientId == clientId && (only == null || u.Id == only)).OrderBy(u => u.Email)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.CreatedAt, u.LockoutEnd }).ToListAsync(ct);
        var ids = rows.Select(u => u.Id).ToList();
        var roles = (await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id
                            where ids.Contains(ur.UserId) select new { ur.UserId, r.Name }).ToListAsync(ct))
            .ToLookup(x => x.UserId, x => x.Name!);
        var now = clock.GetUtcNow();
        return rows.Select(u => new UserView(u.Id, u.Email ?? "", u.DisplayName, roles[u.Id].Order().ToList(), u.CreatedAt,
            u.LockoutEnd is { } end && end > now)).ToList();
    }

    /// <summary>A new user of the client, without a password: the token lets them set one (the set-password link, shown once).</summary>
    public async Task<(UserView? User, string? SetPasswordToken, List<FieldIssue> Issues)> AddAsync(
        Guid clientId, string? email, string? displayName, string? role, CancellationToken ct)
    {
        var issues = new List<FieldIssue>();
        email = email?.Trim().ToLowerInvariant();
        displayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 254 || !Leads.Import.LeadRowRules.IsEmail(email))
            issues.Add(new("email", "Give the person's email address."));
        if (displayName is { Length: > 100 }) issues.Add(new("displayName", "The name is over 100 characters."));
        if (role is null || !Assignable.Contains(role)) issues.Add(new("role", "Choose user (sees and verifies) or admin (also administers)."));
        if (issues.Count > 0) return (null, null, issues);
        if (await users.FindByEmailAsync(email!) is not null)
            return (null, null, [new("email", "Someone already has an account with this email address.")]);

        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, ClientId = clientId, DisplayName = displayName, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded) return (null, null, created.Errors.Select(e => new FieldIssue("email", e.Description)).ToList());
        await users.AddToRoleAsync(user, role!);
        await Audit.WriteAsync(db, caller, clock, "user.add", clientId, $"{email} as {role}", ct: ct);
        var token = await users.GeneratePasswordResetTokenAsync(user);
        return ((await ListAsync(clientId, user.Id, ct)).Single(), token, []);
    }

    public async Task<List<FieldIssue>> SetRoleAsync(Guid clientId, Guid userId, string? role, Guid? actingUserId, CancellationToken ct)
    {
        if (role is null || !Assignable.Contains(role)) return [new("role", "Choose user or admin.")];
        if (await FindAsync(clientId, userId) is not { } user) return [new("id", "No such user.", "NOT_FOUND")];
        var current = await users.GetRolesAsync(user);
        if (current.Contains(role) && current.Count == 1) return [];
        if (current.Contains(Roles.ClientAdmin) && role != Roles.ClientAdmin && await IsLastAdminAsync(clientId, userId, ct))
            return [new("role", "This is the client's only admin: make someone else an admin first.")];
        if (userId == actingUserId && role != Roles.ClientAdmin)
            return [new("role", "You cannot take away your own admin role.")];
        await users.RemoveFromRolesAsync(user, current.Where(r => Assignable.Contains(r)));
        await users.AddToRoleAsync(user, role);
        await users.UpdateSecurityStampAsync(user); // their session is re-issued with the new role
        await Audit.WriteAsync(db, caller, clock, "user.set_role", clientId, $"{user.Email} as {role}", ct: ct);
        return [];
    }

    public async Task<List<FieldIssue>> RemoveAsync(Guid clientId, Guid userId, Guid? actingUserId, CancellationToken ct)
    {
        if (await FindAsync(clientId, userId) is not { } user) return [new("id", "No such user.", "NOT_FOUND")];
        if (userId == actingUserId) return [new("id", "You cannot remove yourself.")];
        if (await users.IsInRoleAsync(user, Roles.ClientAdmin) && await IsLastAdminAsync(clientId, userId, ct))
            return [new("id", "This is the client's only admin: make someone else an admin first.")];
        await users.DeleteAsync(user);
        await Audit.WriteAsync(db, caller, clock, "user.remove", clientId, user.Email, ct: ct);
        return [];
    }

    private async Task<AppUser?> FindAsync(Guid clientId, Guid userId) =>
        await users.FindByIdAsync(userId.ToString()) is { } user && user.ClientId == clientId ? user : null;

    private async Task<bool> IsLastAdminAsync(Guid clientId, Guid userId, CancellationToken ct) =>
        !await (from u in db.Users join ur in db.UserRoles on u.Id equals ur.UserId join r in db.Roles on ur.RoleId equals r.Id
                where u.ClientId == clientId && u.Id != userId && r.Name == Roles.ClientAdmin select u.Id).AnyAsync(ct);
}
