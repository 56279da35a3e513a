using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Core.Web;

/// <summary>
/// The last line for a request that could not be read: whatever endpoint was reading it, a malformed or cut-off body
/// is the caller's error (4xx with a problem body), never a 500.
/// <list type="bullet">
/// <item>Kestrel's own refusals while the body is read (<see cref="BadHttpRequestException"/>: a bad chunk size, a body
/// over the endpoint's limit, a body that stalls below the minimum data rate, one shorter than its Content-Length):
/// its status (400, 408, 413) and its message.</item>
/// <item>A multipart body whose framing is broken (<see cref="InvalidDataException"/>, an <see cref="IOException"/>
/// for an unexpected end): 400.</item>
/// <item>A safety net behind the edge checks (<see cref="Validation.TextInput"/>): text PostgreSQL cannot store that
/// got as far as the database (22021, 22P05) is 400, not a database error.</item>
/// </list>
/// A client that went away gets nothing (its connection is closed).
/// </summary>
public sealed class RequestErrorHandler(IProblemDetailsService problems, ILogger<RequestErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (http.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
            return true; // the client is gone: nobody to answer
        var (status, detail) = Classify(exception);
        if (status is 0 || http.Response.HasStarted) return false;
        logger.LogInformation("Refused {Method} {Path} with {Status}: {Detail}", http.Request.Method, http.Request.Path, status, detail);
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = Title(status), Detail = detail },
        });
    }

    public static (int Status, string Detail) Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BadHttpRequestException bad:
                    return (bad.StatusCode, "The request could not be read: " + bad.Message
                        + (bad.InnerException is { } inner ? " " + inner.Message : ""));
                case InvalidDataException invalid:
                    return (400, "The request body is malformed: " + invalid.Message);
                case IOException io when io.Message.Contains("Unexpected end", StringComparison.OrdinalIgnoreCase):
                    return (400, "The request body ended before it was complete: " + io.Message);
                case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter }:
                    return (400, "The request contains text that cannot be stored (a NUL character or invalid Unicode).");
            }
        }
        return (0, "");
    }

    private static string Title(int status) => status switch
    {
        400 => "Bad request", 408 => "Request timeout", 411 => "Length required", 413 => "Too large", 431 => "Headers too large", _ => "Bad request",
    };
}
