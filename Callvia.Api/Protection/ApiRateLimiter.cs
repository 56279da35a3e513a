using System.Security.Claims;
using StackExchange.Redis;

namespace Callvia.Api.Protection;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";
    /// <summary>Requests per minute per caller (a partner token's application, or a signed-in user).</summary>
    public int PerTokenPerMinute { get; set; } = 600;
    /// <summary>Requests per minute per client IP address, signed in or not.</summary>
    public int PerIpPerMinute { get; set; } = 1200;
}

/// <summary>
/// Fixed one-minute windows counted in Redis, so every API instance shares the same budget. Counted before
/// any work: per IP first (cheap, before authentication), then per caller. If Redis cannot be reached the
/// request is let through (and logged): a rate limiter must not take the API down with it.
/// </summary>
public sealed class ApiRateLimiter(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<RateLimitOptions> options, TimeProvider clock, ILogger<ApiRateLimiter> logger)
{
    /// <summary>Null when allowed; otherwise the seconds until the window resets (for Retry-After).</summary>
    public Task<int?> CheckIpAsync(HttpContext http) =>
        CheckAsync($"ip:{http.Connection.RemoteIpAddress}", options.Value.PerIpPerMinute);

    public Task<int?> CheckCallerAsync(ClaimsPrincipal user) =>
        Caller(user) is { } caller ? CheckAsync($"caller:{caller}", options.Value.PerTokenPerMinute) : Task.FromResult<int?>(null);

    /// <summary>A partner application (its client id) or a portal user (their id).</summary>
    public static string? Caller(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        if (user.FindFirstValue("client_id") is { } app) return "app:" + app;
        return (user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier)) is { } id ? "user:" + id : null;
    }

    private async Task<int?> CheckAsync(string key, int limit)
    {
        var now = clock.GetUtcNow();
        var window = now.ToUnixTimeSeconds() / 60;
        var redisKey = $"callvia:rate:{key}:{window}";
        try
        {
            var db = redis.GetDatabase();
            var count = await db.StringIncrementAsync(redisKey);
            if (count == 1) await db.KeyExpireAsync(redisKey, TimeSpan.FromSeconds(90), flags: CommandFlags.FireAndForget);
            if (count <= limit) return null;
            return (int)((window + 1) * 60 - now.ToUnixTimeSeconds());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Rate limit check failed; letting the request through");
            return null;
        }
    }
}
