using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>
/// The webhook inbox commits deliveries in groups: many concurrent callers, several tenants and duplicates
/// in one batch must each get their own outcome, each row under its own client, and one bad row must not
/// take the others down.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class InboxWriterShould(CallviaFixture fixture)
{
    [Fact]
    public async Task Store_concurrent_deliveries_of_several_tenants_each_under_its_own_client()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var run = Guid.NewGuid().ToString("N");

        // 300 deliveries at once: 150 distinct events per tenant, every third delivered twice at the same moment
        var deliveries = Enumerable.Range(0, 300).Select(i =>
        {
            var tenant = i % 2 == 0 ? a : b;
            var n = i / 2;
            var key = $"{run}:{n}";
            return (tenant, key, copies: n % 3 == 0 ? 2 : 1);
        }).ToList();
        var results = await Task.WhenAll(deliveries.SelectMany(d => Enumerable.Repeat(d, d.copies)).Select(d =>
            fixture.InTenantAsync(d.tenant, async sp =>
                (d.tenant, d.key, id: await sp.GetRequiredService<WebhookInbox>().AcceptAsync("retell", $"{d.tenant.Slug}:{d.key}", "call_started", $"{{\"k\":\"{d.key}\"}}", default)))));

        // each (tenant, key) stored exactly once: one caller got the id, its twin got "duplicate"
        foreach (var group in results.GroupBy(r => (r.tenant.Id, r.key)))
            Assert.Single(group, r => r.id is not null);
        Assert.Equal(300, results.Count(r => r.id is not null));
        Assert.Equal(150, await fixture.CountAsync($"SELECT count(*) FROM events WHERE client_id = '{a.Id}' AND provider_event_key LIKE '{a.Slug}:{run}:%'"));
        Assert.Equal(150, await fixture.CountAsync($"SELECT count(*) FROM events WHERE client_id = '{b.Id}' AND provider_event_key LIKE '{b.Slug}:{run}:%'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider_event_key LIKE '%{run}%' AND client_id NOT IN ('{a.Id}', '{b.Id}')"));
        // the returned ids are the stored rows
        var ids = string.Join(",", results.Where(r => r.id is not null).Select(r => $"'{r.id}'"));
        Assert.Equal(300, await fixture.CountAsync($"SELECT count(*) FROM events WHERE id IN ({ids})"));
    }

    [Fact]
    public async Task Fail_only_the_bad_row_of_a_batch()
    {
        var tenant = await fixture.CreateTenantAsync();
        var run = Guid.NewGuid().ToString("N");
        // PostgreSQL text cannot hold NUL: that row fails, the 50 delivered with it are stored
        var calls = Enumerable.Range(0, 51).Select(i => fixture.InTenantAsync(tenant, sp =>
            sp.GetRequiredService<WebhookInbox>().AcceptAsync("calcom", $"{run}:{i}", "BOOKING_CREATED", i == 25 ? "bad\0row" : "{}", default))).ToList();

        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => calls[25]);
        foreach (var call in calls.Where((_, i) => i != 25))
            Assert.NotNull(await call);
        Assert.Equal(50, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider_event_key LIKE '{run}:%' AND client_id = '{tenant.Id}'"));
    }

    [Fact]
    public async Task Refuse_a_row_without_a_tenant()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        Assert.Null(scope.ServiceProvider.GetRequiredService<TenantContext>().ClientId);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            scope.ServiceProvider.GetRequiredService<WebhookInbox>().AcceptAsync("retell", Guid.NewGuid().ToString("N"), "call_started", "{}", default));
    }
}
