using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Callvia.Core.Tenancy;

/// <summary>
/// Tells a tenant's live dashboards that a KPI moved: a message on the Redis channel
/// <c>callvia:kpi:{clientId}</c>, which every API instance's subscription endpoint listens to. Sent after
/// the change is committed; a lost message only delays a dashboard until the next one, so failures are logged.
/// </summary>
public sealed class KpiNotifier(IConnectionMultiplexer redis, TimeProvider clock, ILogger<KpiNotifier> logger)
{
    public static RedisChannel Channel(Guid clientId) => RedisChannel.Literal($"callvia:kpi:{clientId}");

    public async Task PublishAsync(Guid clientId, string reason)
    {
        try
        {
            var message = JsonSerializer.Serialize(new { reason, at = clock.GetUtcNow() });
            // not awaited on the server: a notification is a hint, and the processor should not wait for Redis
            await redis.GetSubscriber().PublishAsync(Channel(clientId), message, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Could not publish a KPI change for {ClientId}", clientId);
        }
    }
}
