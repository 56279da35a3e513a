using Callvia.Core.Messaging;
using Callvia.Jobs.Messaging;
using Callvia.Testing;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>A manual message left SCHEDULED by a process that stopped mid-send gets a final answer, and is never sent again.</summary>
[Collection(JobsCollection.Name)]
public sealed class InterruptedMessageSweepShould(JobsFixture fixture)
{
    [Fact]
    public async Task Mark_only_manual_messages_interrupted_long_ago_failed_in_every_tenant()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(now);
        async Task<Guid> Message(TestTenant t, string kind, string status, TimeSpan age, string? providerId = null)
        {
            var id = Guid.CreateVersion7();
            await fixture.CountAsync($"""
                WITH m AS (INSERT INTO messages (id, client_id, kind, channel, direction, status, to_address, body, provider_message_id, created_at, updated_at)
                           VALUES ('{id}', '{t.Id}', '{kind}', 'sms', 'outbound', '{status}', '+12125550100', 'Hi', {(providerId is null ? "NULL" : $"'{providerId}'")},
                                   '{(now - age):O}', '{(now - age):O}') RETURNING 1)
                SELECT count(*) FROM m
                """);
            return id;
        }
        var stuckA = await Message(a, "manual", "scheduled", TimeSpan.FromMinutes(11));
        var stuckB = await Message(b, "manual", "scheduled", TimeSpan.FromHours(3));
        var inFlight = await Message(a, "manual", "scheduled", TimeSpan.FromMinutes(2));      // may still be sending
        var reminder = await Message(a, "reminder_24h", "scheduled", TimeSpan.FromDays(1));    // scheduled for later: not ours
        var sent = await Message(a, "manual", "sent", TimeSpan.FromHours(1), "mb-1");
        var sweep = new InterruptedMessageSweep(fixture.Services.GetRequiredService<NpgsqlDataSource>(), clock);

        Assert.Equal(2, await sweep.RunAsync(CancellationToken.None));

        async Task<string> State(Guid id) => (await fixture.TextAsync($"SELECT status || '|' || coalesce(error, '') FROM messages WHERE id = '{id}'"))!;
        Assert.Equal("failed|" + InterruptedMessageSweep.Error, await State(stuckA));
        Assert.Equal("failed|" + InterruptedMessageSweep.Error, await State(stuckB));
        Assert.Equal("scheduled|", await State(inFlight));
        Assert.Equal("scheduled|", await State(reminder));
        Assert.Equal("sent|", await State(sent));
        Assert.Equal(0, await sweep.RunAsync(CancellationToken.None));

        // ten minutes on, the one that was in flight is interrupted too
        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(1, await sweep.RunAsync(CancellationToken.None));
        Assert.StartsWith("failed|", await State(inFlight));

        // and the jobs service runs it every few minutes
        using var connection = fixture.Jobs.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Contains(connection.GetRecurringJobs(), j => j.Id == InterruptedMessageSweep.RecurringId && j.Cron == "*/5 * * * *");
    }
}
