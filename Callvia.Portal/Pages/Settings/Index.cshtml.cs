using System.Security.Claims;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Settings;

/// <summary>
/// A client admin's settings: users (add with a one-time set-password link, change role, remove: <see cref="ClientUsers"/>),
/// partner applications (create with the secret shown once, revoke: <see cref="ClientPartnerApps"/>), provider secrets
/// (set, replace or remove; never shown: <see cref="ProviderSecrets"/>), the webhook addresses to paste into each
/// provider, and the time zone and default region (<see cref="ClientSettings"/>). Admins only (403 for a client user).
/// </summary>
public sealed class IndexModel(ClientUsers users, ClientPartnerApps apps, ProviderSecrets secrets, ClientSettings settings,
    Hosting.WebhookUrls webhooks, CallviaDbContext db) : Hosting.PortalPage
{
    public IReadOnlyList<UserView> Users { get; private set; } = [];
    public IReadOnlyList<PartnerApplication> Apps { get; private set; } = [];
    public IReadOnlyDictionary<string, DateTimeOffset> SecretsSet { get; private set; } = new Dictionary<string, DateTimeOffset>();
    public Client Client { get; private set; } = null!;
    public TenantInfo Info => Tenant.Tenant!;
    public Hosting.WebhookUrls Webhooks => webhooks;
    public Guid? Me => Guid.TryParse(User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>Shown in this answer only: a new user's set-password link, a new application's id and secret.</summary>
    public (string Email, string Link)? NewUser { get; private set; }
    public (string Name, string ClientId, string Secret)? NewApp { get; private set; }
    public string? Notice { get; private set; }

    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context,
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        // every handler of the page administers: refused before it runs
        if (Tenant.ClientId is null) { context.Result = NotFound(); return; }
        if (!CanAdminister) { context.Result = Forbidden(); return; }
        await next();
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Notice = Request.Query["saved"].ToString() switch
        {
            "role" => "Role changed.", "removed" => "User removed.", "revoked" => "Application revoked: its tokens are refused from now on.",
            "secret" => "Secret saved. It is stored encrypted and never shown again.", "secret-removed" => "Secret removed.",
            "client" => "Saved.", _ => null,
        };
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAddUserAsync(string? email, string? displayName, string? role, CancellationToken ct)
    {
        var (user, token, issues) = await users.AddAsync(Tenant.ClientId!.Value, email, displayName, role, ct);
        if (user is null) return await RefusedAsync(issues.Select(i => ("user." + i.Field, i.Message)), ct);
        NewUser = (user.Email, $"{Request.Scheme}://{Request.Host}/account/set-password?user={user.Id}&token={WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token!))}");
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSetRoleAsync(Guid userId, string? role, CancellationToken ct) =>
        await users.SetRoleAsync(Tenant.ClientId!.Value, userId, role, Me, ct) is { Count: > 0 } issues
            ? await RefusedAsync(issues.Select(i => ($"user-{userId}", i.Message)), ct, issues[0].Code)
            : Redirect("/settings?saved=role#users");

    public async Task<IActionResult> OnPostRemoveUserAsync(Guid userId, CancellationToken ct) =>
        await users.RemoveAsync(Tenant.ClientId!.Value, userId, Me, ct) is { Count: > 0 } issues
            ? await RefusedAsync(issues.Select(i => ($"user-{userId}", i.Message)), ct, issues[0].Code)
            : Redirect("/settings?saved=removed#users");

    public async Task<IActionResult> OnPostCreateAppAsync(string? name, CancellationToken ct)
    {
        var (app, secret, issues) = await apps.CreateAsync(name, Info, ct);
        if (app is null) return await RefusedAsync(issues.Select(i => ("app." + i.Field, i.Message)), ct);
        NewApp = (app.DisplayName ?? "", app.ClientId!, secret!);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAppAsync(Guid appId, CancellationToken ct) =>
        await apps.RevokeAsync(appId, Info.Id, ct) is null ? NotFound() : Redirect("/settings?saved=revoked#apps");

    public async Task<IActionResult> OnPostSecretAsync(string? provider, string? secret, bool remove, CancellationToken ct)
    {
        var issues = provider is null ? [new Core.Campaigns.FieldIssue("provider", "Choose a provider.")]
            : await secrets.SetManyAuditedAsync(new Dictionary<string, string> { [provider] = remove ? "" : secret ?? "" }, ct);
        if (!remove && string.IsNullOrEmpty(secret) && provider is not null)
            issues = [new(provider, "Paste the secret (it is never shown again, so it cannot be left as it is).")];
        return issues.Count > 0
            ? await RefusedAsync(issues.Select(i => ($"secret-{provider}", i.Message)), ct)
            : Redirect($"/settings?saved={(remove ? "secret-removed" : "secret")}#secrets");
    }

    public async Task<IActionResult> OnPostClientAsync(string? timeZone, string? defaultRegion, CancellationToken ct) =>
        await settings.UpdateAsync(timeZone, defaultRegion, ct) is { Count: > 0 } issues
            ? await RefusedAsync(issues.Select(i => ("client." + i.Field, i.Message)), ct)
            : Redirect("/settings?saved=client#client");

    private async Task<IActionResult> RefusedAsync(IEnumerable<(string Key, string Message)> problems, CancellationToken ct, string? code = null)
    {
        foreach (var (key, message) in problems) ModelState.AddModelError(key, message);
        Response.StatusCode = code == "NOT_FOUND" ? StatusCodes.Status404NotFound : StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Users = await users.ListAsync(Tenant.ClientId!.Value, null, ct);
        Apps = await apps.ListAsync(null, ct);
        SecretsSet = (await secrets.ListAsync(ct)).ToDictionary(s => s.Provider, s => s.UpdatedAt);
        Client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == Tenant.ClientId, ct);
    }
}
