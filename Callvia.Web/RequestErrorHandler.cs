using Callvia.Core.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Callvia.Web;

/// <summary>
/// The last line for a request that could not be read: whatever endpoint was reading it, a malformed or cut-off body
/// is the caller's error (4xx with a problem body), never a 500.
/// Which failures are the caller's, with what status, is <see cref="InputFailures"/>'s rule.
/// A client that went away gets nothing (its connection is closed).
/// </summary>
public sealed class RequestErrorHandler(IProblemDetailsService problems, ILogger<RequestErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (http.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
            return true; // the client is gone: nobody to answer
        var (status, detail) = InputFailures.Classify(exception);
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

    private static string Title(int status) => status switch
    {
        400 => "Bad request", 408 => "Request timeout", 411 => "Length required", 413 => "Too large", 431 => "Headers too large", _ => "Bad request",
    };
}
