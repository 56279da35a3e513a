using Callvia.Core.Tenancy;
using StackExchange.Redis;

namespace Callvia.Portal.Hosting;

/// <summary>
/// <c>GET /live/kpis</c>: a server-sent event stream that says "kpi" whenever the signed-in client's KPIs move — the
/// same Redis channel (<see cref="KpiNotifier"/>) the API's <c>kpisUpdated</c> subscription listens to, so a webhook
/// processed by any jobs instance reaches every portal instance. The page then reloads its cards for its own period
/// and filter (the numbers never travel on the stream). Authorized like every page (the fallback policy: signed in,
/// on its own client's host); a comment every 15 s keeps proxies from closing an idle stream.
/// </summary>
public static class LiveKpis
{
    public static void MapLiveKpis(this IEndpointRouteBuilder app) =>
        app.MapGet("/live/kpis", async (HttpContext http, TenantContext tenant, IConnectionMultiplexer redis) =>
        {
            if (tenant.ClientId is not { } clientId) return Results.NotFound();
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            var changes = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1)
            {
                FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, // one pending "moved" is enough
            });
            var subscriber = redis.GetSubscriber();
            var channel = KpiNotifier.Channel(clientId);
            // this stream's own handler: unsubscribing it leaves the other pages of the client listening
            Action<RedisChannel, RedisValue> moved = (_, _) => changes.Writer.TryWrite(true);
            await subscriber.SubscribeAsync(channel, moved);
            try
            {
                var ct = http.RequestAborted;
                await http.Response.WriteAsync("retry: 3000\n: connected\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                while (!ct.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    wait.CancelAfter(TimeSpan.FromSeconds(15));
                    string frame;
                    try
                    {
                        await changes.Reader.ReadAsync(wait.Token);
                        frame = "event: kpi\ndata: moved\n\n";
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        frame = ": still here\n\n";
                    }
                    await http.Response.WriteAsync(frame, ct);
                    await http.Response.Body.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException) { /* the page went away */ }
            finally
            {
                await subscriber.UnsubscribeAsync(channel, moved);
            }
            return Results.Empty;
        });
}
