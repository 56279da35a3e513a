namespace Callvia.Api;

/// <summary>RFC 9457 problem details, one place for the titles the REST endpoints use.</summary>
public static class ApiProblems
{
    public static IResult Of(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status, title: status switch
    {
        400 => "Bad input", 401 => "Bad signature", 404 => "Not found", 409 => "Conflict", 413 => "Too large", 415 => "Unsupported file", _ => "Error",
    });
}
