using System.Text.Json;
using Callvia.Core.Validation;
using Callvia.Web;

namespace Callvia.Api.Auth;

/// <summary>
/// <c>POST /connect/token</c>: a form parameter with text that cannot be stored (a NUL, an unpaired surrogate:
/// <see cref="TextInput"/>) is refused as OAuth's <c>invalid_request</c> naming the parameter, before OpenIddict reads
/// the form (ASP.NET's form reader would refuse it without naming it) or looks the client up in the database.
/// </summary>
public static class TokenRequestText
{
    public static IApplicationBuilder UseTokenRequestText(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals("/connect/token", StringComparison.OrdinalIgnoreCase)
            && http.Request.HasFormContentType)
        {
            http.Request.EnableBuffering(bufferThreshold: (int)BodyLimit.Json, bufferLimit: BodyLimit.Json);
            string body;
            using (var reader = new StreamReader(http.Request.Body, leaveOpen: true))
                body = await reader.ReadToEndAsync(http.RequestAborted);
            http.Request.Body.Position = 0;
            if (Problem(body) is { } problem)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                http.Response.Headers.CacheControl = "no-store";
                await http.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "invalid_request", ["error_description"] = problem },
                    JsonSerializerOptions.Web, http.RequestAborted);
                return;
            }
        }
        await next(http);
    });

    /// <summary>The first parameter of an application/x-www-form-urlencoded body whose name or value cannot be stored.</summary>
    public static string? Problem(string form)
    {
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            var problem = TextInput.Problem($"The '{Printable(name)}' parameter", value) ?? TextInput.Problem("A parameter name", name);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    private static string Printable(string name) => TextInput.Problem(name) is null ? name : "?";
}
