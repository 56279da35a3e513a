using Callvia.Web.Identity;
using Callvia.Core.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Callvia.Portal.Pages.Account;

public sealed class SignInModel(TenantSignIn signIn) : PageModel
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            Error = "Enter your email and password.";
            Response.StatusCode = 400;
            return Page();
        }
        switch (await signIn.PasswordSignInAsync(Email, Password, persistent: false))
        {
            case SignInOutcome.Succeeded:
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
            case SignInOutcome.LockedOut:
                Error = "Too many failed attempts. Try again in a few minutes.";
                break;
            default:
                // Same answer for an unknown email, a wrong password and another client's account.
                Error = "The email or password is not right for this account.";
                break;
        }
        Response.StatusCode = 401;
        return Page();
    }
}
