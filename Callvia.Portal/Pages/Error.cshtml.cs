using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Callvia.Portal.Pages;

/// <summary>What a person sees for a page that is not there, a page they may not open, or our own failure: a way back.</summary>
public sealed class ErrorModel : PageModel
{
    /// <summary>Where a refusal puts what was wrong with the request (<c>HttpContext.Items</c>), for this page to say.</summary>
    public const string DetailKey = "callvia.error.detail";

    public int Code { get; private set; }

    public void OnGet(int? code)
    {
        // a code that is no error of ours is an address that is not there
        Code = code is >= 400 and < 600 ? code.Value : 404;
        Response.StatusCode = Code;
    }

    public string Title => Code switch
    {
        404 => "We can't find that page",
        403 => "This page isn't open to you",
        400 or 413 or 415 or 422 => "We couldn't use what was sent",
        _ => "Something went wrong on our side",
    };

    public string Detail => Code switch
    {
        404 => "The address may be mistyped, or the page has moved.",
        403 => "Your account can't open this page. Ask your account's owner if you need it.",
        400 or 413 or 415 or 422 => HttpContext.Items[DetailKey] as string ?? "Part of what was sent was not valid; nothing was changed. Go back and check it.",
        _ => "Nothing you entered was lost. Try again in a moment.",
    };
}
