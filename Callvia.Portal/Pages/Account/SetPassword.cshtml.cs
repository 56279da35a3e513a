using System.Text;
using Callvia.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Callvia.Portal.Pages.Account;

/// <summary>
/// A new user sets a password through the one-time link an admin was given (Identity's password-reset token: used once,
/// invalid after the password changes or a day passes). The user must belong to this host's client.
/// </summary>
public sealed class SetPasswordModel(UserManager<AppUser> users, Core.Tenancy.TenantContext tenant) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")] public Guid? UserId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty] public string? Password { get; set; }
    public string? Error { get; private set; }

    public IActionResult OnGet() => UserId is null || string.IsNullOrEmpty(Token) ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (UserId is null || string.IsNullOrEmpty(Token)) return NotFound();
        var user = await users.FindByIdAsync(UserId.Value.ToString());
        string token;
        try { token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(Token)); }
        catch (FormatException) { token = ""; }
        if (user is null || user.ClientId is null || user.ClientId != tenant.ClientId || token.Length == 0)
        {
            Error = "This link is not valid: ask your admin for a new one.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var result = await users.ResetPasswordAsync(user, token, Password ?? "");
        if (!result.Succeeded)
        {
            Error = result.Errors.Any(e => e.Code == "InvalidToken")
                ? "This link was used already or has expired: ask your admin for a new one."
                : string.Join(" ", result.Errors.Select(e => e.Description));
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        return Redirect("/account/sign-in?set=1");
    }
}
