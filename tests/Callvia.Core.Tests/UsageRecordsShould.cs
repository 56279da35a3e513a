using Callvia.Core.Billing;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>
/// What the database keeps true of usage records (13_billing.sql), as the services connect (the app role, in a
/// tenant): each carries its call's campaign whatever the writer sent, and follows the call when its campaign changes;
/// billed usage names an invoice of its own client; invoices are never deleted.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class UsageRecordsShould(CallviaFixture fixture)
{
    [Fact]
    public async Task Carry_their_calls_campaign_and_follow_it_when_it_changes()
    {
        var a = await fixture.CreateTenantAsync();
        await using var app = await Sql.OpenAsync(fixture.Database.AppConnectionString, a.Id);
        var (first, second) = (a.CampaignIds[0], a.CampaignIds[1]);
        var call = Guid.NewGuid();
        await Sql.ExecAsync(app, $"""
            INSERT INTO call_logs (id, client_id, campaign_id, provider_call_id, status, direction, ended_at, duration_seconds, created_at, updated_at)
            VALUES ('{call}', '{a.Id}', '{first}', 'usage_{call:N}', 'ended', 'outbound', now(), 90, now(), now());
            INSERT INTO usage_records (id, client_id, call_log_id, campaign_id, seconds, rate_per_minute, cost, occurred_at, created_at)
            VALUES (gen_random_uuid(), '{a.Id}', '{call}', '{second}', 90, 0.2, 0.3, now(), now());
            """);
        string? Campaign() => fixture.TextAsync($"SELECT campaign_id FROM usage_records WHERE call_log_id = '{call}'").GetAwaiter().GetResult();
        // the writer's campaign is not taken: the call's is
        Assert.Equal(first.ToString(), Campaign());

        await Sql.ExecAsync(app, $"UPDATE call_logs SET campaign_id = '{second}' WHERE id = '{call}'");
        Assert.Equal(second.ToString(), Campaign());
        await Sql.ExecAsync(app, $"UPDATE usage_records SET campaign_id = '{first}' WHERE call_log_id = '{call}'");
        Assert.Equal(second.ToString(), Campaign());
        await Sql.ExecAsync(app, $"UPDATE call_logs SET campaign_id = NULL WHERE id = '{call}'");
        Assert.Null(Campaign());

        // through EF Core, as the Retell events record usage: the entity reads the campaign back
        var (usage, other) = await fixture.InTenantAsync(a, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var log = new CallLog { ProviderCallId = "usage_ef_" + Guid.NewGuid().ToString("N"), CampaignId = first, Status = CallStatus.Ended, DurationSeconds = 60, EndedAt = DateTimeOffset.UtcNow };
            db.CallLogs.Add(log);
            var record = new UsageRecord { CallLogId = log.Id, Seconds = 60, RatePerMinute = 0.2m, Cost = 0.2m, OccurredAt = DateTimeOffset.UtcNow };
            db.UsageRecords.Add(record);
            await db.SaveChangesAsync();
            return (record, log.Id);
        });
        Assert.Equal(first, usage.CampaignId);
        Assert.Equal(first.ToString(), await fixture.TextAsync($"SELECT campaign_id FROM usage_records WHERE call_log_id = '{other}'"));
    }

    [Fact]
    public async Task Name_only_an_invoice_of_their_client_and_keep_invoices_from_being_deleted()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        async Task<Guid> InvoiceOf(TestTenant t) => await fixture.InTenantAsync(t, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var invoice = new Invoice { ClientId = t.Id, Kind = InvoiceKind.Usage, Period = "2026-10", AmountCents = 100, Simulated = true, Status = InvoiceStatus.Open };
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return invoice.Id;
        });
        var ours = await InvoiceOf(a);
        var theirs = await InvoiceOf(b);
        await using var app = await Sql.OpenAsync(fixture.Database.AppConnectionString, a.Id);
        var call = Guid.NewGuid();
        await Sql.ExecAsync(app, $"""
            INSERT INTO call_logs (id, client_id, provider_call_id, status, direction, created_at, updated_at)
            VALUES ('{call}', '{a.Id}', 'usage_{call:N}', 'ended', 'outbound', now(), now());
            INSERT INTO usage_records (id, client_id, call_log_id, seconds, rate_per_minute, cost, occurred_at, created_at)
            VALUES (gen_random_uuid(), '{a.Id}', '{call}', 30, 0.2, 0.1, now(), now());
            """);

        // another client's invoice (the app role cannot see it either), or one that does not exist: refused, nothing changed
        foreach (var wrong in new[] { theirs, Guid.NewGuid() })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecAsync(app, $"UPDATE usage_records SET invoice_id = '{wrong}' WHERE call_log_id = '{call}'"));
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, e.SqlState);
        }
        Assert.Null(await fixture.TextAsync($"SELECT invoice_id FROM usage_records WHERE call_log_id = '{call}'"));
        Assert.Equal(1, await Sql.ExecAsync(app, $"UPDATE usage_records SET invoice_id = '{ours}' WHERE call_log_id = '{call}'"));

        // invoices are kept: not by the services, not by the owner of the tables
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecAsync(app, $"DELETE FROM invoices WHERE id = '{ours}'"));
        Assert.Equal(PostgresErrorCodes.RestrictViolation, refused.SqlState);
        await using var owner = await Sql.OpenAsync(fixture.Database.OwnerConnectionString, agency: true);
        refused = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecAsync(owner, $"DELETE FROM invoices WHERE id = '{theirs}'"));
        Assert.Equal(PostgresErrorCodes.RestrictViolation, refused.SqlState);
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM invoices WHERE id IN ('{ours}', '{theirs}')"));
    }
}
