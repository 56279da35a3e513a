using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Web;

/// <summary>
/// A 4xx or 5xx that an endpoint or the framework set without writing a body (a route that does not exist, a method it
/// does not take, a body over its limit refused while binding) gets a problem body that says what went wrong.
/// </summary>
public static class StatusCodeProblems
{
    public static IApplicationBuilder UseStatusCodeProblems(this IApplicationBuilder app) => app.UseStatusCodePages(async context =>
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var detail = status switch
        {
            404 => $"Nothing at {http.Request.Method} {http.Request.Path}.",
            405 => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
            413 => $"The request body is larger than {http.Request.Path} accepts"
                   + (http.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() is { } limit ? $" ({limit.Bytes:N0} bytes)." : "."),
            415 => $"{http.Request.Path} does not take '{http.Request.ContentType ?? "no content type"}'.",
            400 => "The request could not be read.",
            _ => null,
        };
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Detail = detail },
        });
    });
}
