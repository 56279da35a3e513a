using System.Collections.Concurrent;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace Callvia.Jobs.Tests;

[Collection(JobsCollection.Name)]
public sealed class KpiNotificationsShould(JobsFixture fixture)
{
    [Fact]
    public async Task Publish_a_change_on_the_tenants_channel_only_after_an_event_is_applied()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var received = new ConcurrentQueue<(Guid Tenant, string Message)>();
        var got = new TaskCompletionSource();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Servers.Redis);
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(KpiNotifier.Channel(a.Id), (_, m) => { received.Enqueue((a.Id, m!)); got.TrySetResult(); });
        await subscriber.SubscribeAsync(KpiNotifier.Channel(b.Id), (_, m) => received.Enqueue((b.Id, m!)));

        var body = StripeEvents.Invoice("invoice.paid", "in_" + a.Slug, "cus_" + a.Slug);
        var id = (await fixture.InTenantAsync(a, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("stripe", Guid.NewGuid().ToString("N"), "invoice.paid", body, default)))!.Value;
        await fixture.InTenantAsync(a, sp => sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id, default));

        await got.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var (tenant, message) = Assert.Single(received);
        Assert.Equal(a.Id, tenant);
        Assert.Contains("stripe:invoice.paid", message);
    }
}
