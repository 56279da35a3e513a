using System.Threading.Channels;
using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using StackExchange.Redis;

namespace Callvia.Api.Kpis;

/// <summary>
/// Live KPI snapshots of one tenant, for the <c>kpisUpdated</c> subscription: a snapshot at once, then a fresh one
/// whenever a message arrives on that tenant's channel <see cref="KpiNotifier.Channel"/> (and only that one).
/// Bursts are coalesced: after a message the stream waits <see cref="Debounce"/>, takes every message that came
/// meanwhile as one, and recomputes; at most one recompute is in flight per subscriber. Each snapshot is computed
/// by <see cref="KpiService"/> in a fresh DI scope with the tenant set. Disposing the subscription unsubscribes
/// from Redis.
/// </summary>
public sealed class KpiUpdates(IServiceScopeFactory scopes, IConnectionMultiplexer redis, TimeProvider clock, ILogger<KpiUpdates> logger)
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);

    public IObservable<KpiSnapshot> Watch(TenantInfo tenant, KpiRange range) =>
        GraphQL.PushStream.Create<KpiSnapshot>((observer, ct) => RunAsync(tenant, range, observer, ct));

    private async Task RunAsync(TenantInfo tenant, KpiRange range, IObserver<KpiSnapshot> observer, CancellationToken ct)
    {
        await Task.Yield();
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        Action<RedisChannel, RedisValue> onMessage = (_, _) => changed.Writer.TryWrite(true);
        var channel = KpiNotifier.Channel(tenant.Id);
        var subscriber = redis.GetSubscriber();
        try
        {
            // listen before the first snapshot, so a change made while it is computed is not missed
            await subscriber.SubscribeAsync(channel, onMessage);
            observer.OnNext(await ComputeAsync(tenant, range, ct));
            while (true)
            {
                await changed.Reader.ReadAsync(ct);
                await Task.Delay(Debounce, clock, ct);
                changed.Reader.TryRead(out _);
                KpiSnapshot snapshot;
                try
                {
                    snapshot = await ComputeAsync(tenant, range, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // the next change retries; the subscriber keeps its last snapshot meanwhile
                    logger.LogWarning(e, "Could not recompute KPIs for {ClientId}", tenant.Id);
                    continue;
                }
                observer.OnNext(snapshot);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "KPI updates for {ClientId} stopped", tenant.Id);
            observer.OnError(e);
        }
        finally
        {
            try
            {
                await subscriber.UnsubscribeAsync(channel, onMessage);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Could not unsubscribe from KPI changes of {ClientId}", tenant.Id);
            }
        }
    }

    private async Task<KpiSnapshot> ComputeAsync(TenantInfo tenant, KpiRange range, CancellationToken ct)
    {
        return await scopes.InTenantAsync(tenant, sp => sp.GetRequiredService<KpiService>().GetAsync(range, ct));
    }
}
