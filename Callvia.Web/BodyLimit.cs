using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Callvia.Web;

/// <summary>
/// The largest body an endpoint reads. Every service starts from <see cref="Default"/> (Kestrel's own default is 30 MB);
/// endpoints that take JSON name a smaller one (<c>.WithBodyLimit(16 * 1024)</c>), the file upload sets its own. A
/// larger <c>Content-Length</c>, or a streamed body that grows past the limit, is refused by Kestrel while it is read
/// (413, answered by <see cref="RequestErrorHandler"/>), before an endpoint holds it in memory.
/// </summary>
public sealed record BodyLimit(long Bytes)
{
    public const long Default = 1024 * 1024;
    public const long Json = 16 * 1024;
}

public static class BodyLimits
{
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes));

    /// <summary>After routing: applies the endpoint's limit to the request.</summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() is { } limit
            && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit.Bytes;
        return next(http);
    });
}
