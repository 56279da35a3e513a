using System.Net;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>The agency sees failed and stuck webhook events across clients and replays them; nobody else does.</summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookEventsAdminShould(ApiFixture fixture)
{
    [Fact]
    public async Task List_failed_and_stuck_events_to_the_agency_and_replay_them()
    {
        var tenant = await fixture.CreateTenantAsync();
        var key = Guid.NewGuid().ToString("N");
        await fixture.ExecuteAsync($"""
            INSERT INTO events (id, client_id, provider, provider_event_key, event_type, payload, status, attempts, error, received_at)
            VALUES (gen_random_uuid(), '{tenant.Id}', 'calcom', 'failed:{key}', 'BOOKING_CREATED', '[]', 'failed', 1, 'startTime is not a time: "x".', now()),
                   (gen_random_uuid(), '{tenant.Id}', 'retell', 'stuck:{key}', 'call_ended', '[]', 'processing', 2, 'TimeoutException: db', now() - interval '10 minutes'),
                   (gen_random_uuid(), '{tenant.Id}', 'retell', 'done:{key}', 'call_ended', '[]', 'processed', 1, NULL, now());
            """);
        using var agency = await AdminHelpers.AgencySessionAsync(fixture);
        using var client = await AdminHelpers.SessionAsync(fixture, tenant.Slug, tenant.AdminEmail);

        var (status, failed) = await agency.GraphQLAsync("{ webhookEvents(state: FAILED, provider: \"calcom\", first: 100) { id providerEventKey status attempts error } }");
        var (_, stuck) = await agency.GraphQLAsync("{ webhookEvents(state: STUCK, first: 100) { id providerEventKey status error } }");
        var (_, refused) = await client.GraphQLAsync("{ webhookEvents(state: FAILED) { id } }");

        Assert.Equal(HttpStatusCode.OK, status);
        var mine = Assert.Single(failed.GetProperty("data").GetProperty("webhookEvents").EnumerateArray(), e => e.GetProperty("providerEventKey").GetString() == $"failed:{key}");
        Assert.Equal("FAILED", mine.GetProperty("status").GetString());
        Assert.StartsWith("startTime is not a time", mine.GetProperty("error").GetString());
        var stuckOne = Assert.Single(stuck.GetProperty("data").GetProperty("webhookEvents").EnumerateArray(), e => e.GetProperty("providerEventKey").GetString() == $"stuck:{key}");
        Assert.Equal("FORBIDDEN", AdminHelpers.Code(refused));

        var done = await fixture.TextAsync($"SELECT id FROM events WHERE provider_event_key = 'done:{key}'");
        var doneId = Callvia.Api.GraphQL.GlobalId.Encode(Callvia.Api.Webhooks.WebhookEventGraphType.TypeName, Guid.Parse(done!));
        var (_, replay) = await agency.GraphQLAsync("mutation($ids: [ID!]!) { replayWebhookEvents(ids: $ids) }",
            new { ids = new[] { mine.GetProperty("id").GetString(), stuckOne.GetProperty("id").GetString(), doneId } });

        Assert.Equal(2, replay.GetProperty("data").GetProperty("replayWebhookEvents").GetArrayLength());
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider_event_key IN ('failed:{key}', 'stuck:{key}') AND status = 'received' AND attempts = 0"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM events WHERE provider_event_key = 'done:{key}' AND status = 'processed'"));
        Assert.True(await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'webhooks.replay'") >= 1);
    }
}
