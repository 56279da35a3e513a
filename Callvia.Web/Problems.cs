using Microsoft.AspNetCore.Http;

namespace Callvia.Web;

/// <summary>RFC 9457 problem details, one place for the titles the REST endpoints (API and portal) use.</summary>
public static class Problems
{
    public static IResult Of(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status, title: status switch
    {
        400 => "Bad input", 401 => "Bad signature", 403 => "Forbidden", 404 => "Not found", 409 => "Conflict", 413 => "Too large",
        415 => "Unsupported file", _ => "Error",
    });
}
