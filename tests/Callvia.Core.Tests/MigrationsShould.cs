using Callvia.Core.Data;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Core.Tests;

[Collection(DatabaseCollection.Name)]
public sealed class MigrationsShould(CallviaFixture fixture)
{
    private static readonly int MigrationCount = typeof(CallviaDbContext).Assembly.GetTypes()
        .Count(t => t.GetCustomAttributes(typeof(Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute), false).Length > 0);

    [Fact]
    public async Task Apply_to_an_empty_database_and_do_nothing_the_second_time()
    {
        await using var db = await TestDatabase.CreateAsync(fixture.Servers.PostgresAdmin, "mig");
        await db.MigrateAsync();
        var first = await StateAsync(db);
        Assert.Equal(MigrationCount, first.History);
        Assert.True(first.Policies > 20, "row-level security policies exist");
        Assert.True(first.HangfireTables > 5, "Hangfire's schema is prepared by the migration step");

        await db.MigrateAsync();
        Assert.Equal(first, await StateAsync(db));
    }

    [Fact]
    public async Task Let_two_migration_steps_started_at_once_finish_without_corrupting_anything()
    {
        await using var db = await TestDatabase.CreateAsync(fixture.Servers.PostgresAdmin, "race");
        await Task.WhenAll(Task.Run(db.MigrateAsync), Task.Run(db.MigrateAsync), Task.Run(db.MigrateAsync));
        var state = await StateAsync(db);
        Assert.Equal(MigrationCount, state.History);

        // the app role can work with the result
        await using var app = await Sql.OpenAsync(db.AppConnectionString);
        Assert.Equal(0, await Sql.ScalarAsync(app, "SELECT count(*) FROM campaigns"));
    }

    [Fact]
    public async Task Refuse_an_app_role_that_bypasses_row_level_security()
    {
        await using var db = await TestDatabase.CreateAsync(fixture.Servers.PostgresAdmin, "super");
        var superuser = new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = db.Name }.ConnectionString;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            DatabaseMigrator.MigrateAsync(db.OwnerConnectionString, superuser, NullLogger.Instance));
        Assert.Contains("bypasses row-level security", e.Message);
    }

    [Fact]
    public async Task Apply_each_sql_file_again_only_when_its_text_changed_and_every_file_over_itself()
    {
        await using var db = await TestDatabase.CreateAsync(fixture.Servers.PostgresAdmin, "sqlobj");
        await db.MigrateAsync();
        await using var admin = await Sql.OpenAsync(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = db.Name }.ConnectionString);
        Assert.Equal(SqlObjects.Files.Select(f => f.Name), await Sql.RowsAsync(admin, "SELECT file FROM __sql_objects ORDER BY file"));
        var state = await StateAsync(db);

        await using (var owner = await Sql.OpenAsync(db.OwnerConnectionString))
            Assert.Empty(await SqlObjects.ApplyAsync(owner, NullLogger.Instance, CancellationToken.None));

        // a file whose text changed is applied again (here: as if 09 had been edited), the others are not
        await Sql.ExecAsync(admin, "UPDATE __sql_objects SET sha256 = 'edited' WHERE file = '09_kpi_reach.sql'");
        await using (var owner = await Sql.OpenAsync(db.OwnerConnectionString))
            Assert.Equal(new[] { "09_kpi_reach.sql" }, await SqlObjects.ApplyAsync(owner, NullLogger.Instance, CancellationToken.None));

        // every file runs again over its own previous version (what a changed file does in production)
        await Sql.ExecAsync(admin, "DELETE FROM __sql_objects");
        await db.MigrateAsync();
        Assert.Equal(state, await StateAsync(db));
        Assert.Equal(SqlObjects.Files.Count, await Sql.ScalarAsync(admin, "SELECT count(*) FROM __sql_objects"));
        // and the services' role cannot touch the record
        await using var app = await Sql.OpenAsync(db.AppConnectionString);
        await Assert.ThrowsAsync<PostgresException>(() => Sql.ScalarAsync(app, "SELECT count(*) FROM __sql_objects"));
    }

    [Fact]
    public async Task Adopt_a_development_database_migrated_before_the_squash_and_refuse_one_stopped_part_way()
    {
        await using var db = await TestDatabase.CreateAsync(fixture.Servers.PostgresAdmin, "squash");
        await db.MigrateAsync();
        await using var admin = await Sql.OpenAsync(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = db.Name }.ConnectionString);
        var baseline = await Sql.RowsAsync(admin, "SELECT migration_id FROM __ef_migrations_history");

        // what a database migrated by the 20 pre-squash migrations holds: the baseline's schema, so the migrations after
        // the baseline are undone first (adoption rewrites its history to the baseline, then they are applied again)
        await using (var source = new NpgsqlDataSourceBuilder(db.OwnerConnectionString).Build())
        {
            var options = new DbContextOptionsBuilder<CallviaDbContext>();
            options.UseCallviaNpgsql(source);
            await using var context = new CallviaDbContext(options.Options, new Core.Tenancy.TenantContext(), TimeProvider.System);
            await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(context)
                .MigrateAsync(context.Database.GetMigrations().First());
        }
        await Sql.ExecAsync(admin, "DELETE FROM __ef_migrations_history; DROP TABLE __sql_objects; " +
            "INSERT INTO __ef_migrations_history VALUES ('20261124023159_Initial', '10.0.0'), ('20261201221208_RescheduleChainIndex', '10.0.0')");
        await db.MigrateAsync();
        Assert.Equal(baseline, await Sql.RowsAsync(admin, "SELECT migration_id FROM __ef_migrations_history"));
        Assert.Equal(SqlObjects.Files.Count, await Sql.ScalarAsync(admin, "SELECT count(*) FROM __sql_objects"));

        await Sql.ExecAsync(admin, "DELETE FROM __ef_migrations_history; INSERT INTO __ef_migrations_history VALUES ('20261124023159_Initial', '10.0.0')");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(db.MigrateAsync);
        Assert.Contains("Reset it", e.Message);
    }

    [Fact]
    public async Task Bring_existing_usage_and_shown_appointments_into_billing_when_migrating_a_database_with_data()
    {
        await using var db = await TestDatabase.CreateAsync(fixture.Servers.PostgresAdmin, "usagecampaign");
        await db.MigrateAsync();
        await using (var source = new NpgsqlDataSourceBuilder(db.OwnerConnectionString).Build())
        {
            var options = new DbContextOptionsBuilder<CallviaDbContext>();
            options.UseCallviaNpgsql(source);
            await using var context = new CallviaDbContext(options.Options, new Core.Tenancy.TenantContext(), TimeProvider.System);
            await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(context)
                .MigrateAsync("20261203083919_Billing");
        }
        // what a database at the Billing migration holds: usage without its campaign, a shown appointment outside the pool
        await using var admin = await Sql.OpenAsync(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = db.Name }.ConnectionString);
        var (client, campaign, call, appointment) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await Sql.ExecAsync(admin, $"""
            INSERT INTO clients (id, slug, name, status, time_zone, default_region, rate_per_minute, milestone_size, milestone_amount, currency, created_at, updated_at)
            VALUES ('{client}', 'mig-{client:N}', 'Migrated', 'active', 'UTC', 'US', 0.2, 25, 2000, 'usd', now(), now());
            INSERT INTO campaigns (id, client_id, name, status, call_window_start, call_window_end, max_concurrent_calls, max_attempts, created_at, updated_at)
            VALUES ('{campaign}', '{client}', 'Recall', 'active', '09:00', '17:00', 1, 1, now(), now());
            INSERT INTO call_logs (id, client_id, campaign_id, provider_call_id, status, direction, created_at, updated_at)
            VALUES ('{call}', '{client}', '{campaign}', 'mig_{call:N}', 'ended', 'outbound', now(), now());
            INSERT INTO usage_records (id, client_id, call_log_id, seconds, rate_per_minute, cost, occurred_at, created_at)
            VALUES (gen_random_uuid(), '{client}', '{call}', 60, 0.2, 0.2, now(), now());
            INSERT INTO appointments (id, client_id, campaign_id, provider_booking_uid, starts_at, ends_at, status, verification_source, verified_at, verified_by, booked_at, created_at, updated_at)
            VALUES ('{appointment}', '{client}', '{campaign}', 'mig_{appointment:N}', now() - interval '2 days', now() - interval '2 days' + interval '30 minutes',
                    'shown', 'client', now() - interval '1 day', 'owner@example.com', now() - interval '3 days', now(), now());
            """);
        // and a milestone two corrections left places in: the first filled since, the second still open
        var (milestone, filledOut, filler, openOut) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var entry = new Dictionary<Guid, Guid> { [filledOut] = Guid.NewGuid(), [filler] = Guid.NewGuid(), [openOut] = Guid.NewGuid() };
        foreach (var (a, status) in new[] { (filledOut, "no_show"), (filler, "shown"), (openOut, "no_show") })
            await Sql.ExecAsync(admin, $"""
                INSERT INTO appointments (id, client_id, provider_booking_uid, starts_at, ends_at, status, created_at, updated_at)
                VALUES ('{a}', '{client}', 'mig_{a:N}', now() - interval '9 days', now() - interval '9 days', '{status}', now(), now())
                """);
        await Sql.ExecAsync(admin, $"""
            INSERT INTO milestones (id, client_id, number, shown_count, amount, status, reached_at, created_at, updated_at)
            VALUES ('{milestone}', '{client}', 1, 25, 2000, 'invoiced', now() - interval '8 days', now(), now());
            INSERT INTO milestone_entries (id, client_id, appointment_id, milestone_id, position, source, verified_at, verified_by, entered_at, replaces_entry_id, removed_at)
            VALUES ('{entry[filledOut]}', '{client}', '{filledOut}', '{milestone}', 1, 'client', now() - interval '9 days', 'x', now() - interval '9 days', NULL, now() - interval '7 days'),
                   ('{entry[filler]}', '{client}', '{filler}', '{milestone}', 1, 'client', now() - interval '6 days', 'x', now() - interval '6 days', '{entry[filledOut]}', NULL),
                   ('{entry[openOut]}', '{client}', '{openOut}', '{milestone}', 2, 'client', now() - interval '9 days', 'x', now() - interval '9 days', NULL, now() - interval '5 days');
            """);

        await db.MigrateAsync();
        Assert.Equal(1, await Sql.ScalarAsync(admin, $"SELECT count(*) FROM usage_records WHERE call_log_id = '{call}' AND campaign_id = '{campaign}'"));
        Assert.Equal(1, await Sql.ScalarAsync(admin, $"SELECT count(*) FROM milestone_entries WHERE appointment_id = '{appointment}' AND removed_at IS NULL AND milestone_id IS NULL"));
        Assert.Equal(entry[openOut].ToString(), string.Join(",", await Sql.RowsAsync(admin, $"SELECT id::text FROM milestone_entries WHERE client_id = '{client}' AND place_open")));
        // and the file of the triggers the step back removed is in place again: a call's new campaign reaches its usage
        await Sql.ExecAsync(admin, $"UPDATE call_logs SET campaign_id = NULL WHERE id = '{call}'");
        Assert.Equal(1, await Sql.ScalarAsync(admin, $"SELECT count(*) FROM usage_records WHERE call_log_id = '{call}' AND campaign_id IS NULL"));
        await db.MigrateAsync();
        Assert.Equal(1, await Sql.ScalarAsync(admin, $"SELECT count(*) FROM milestone_entries WHERE appointment_id = '{appointment}'"));
    }

    [Fact]
    public async Task Leave_no_model_change_without_a_migration()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<CallviaDbContext>();
        Assert.False(context.Database.HasPendingModelChanges(), "run 'dotnet ef migrations add' for the model change");
    }

    private sealed record State(long History, long Policies, long HangfireTables, long Tables);

    private async Task<State> StateAsync(TestDatabase db)
    {
        await using var admin = await Sql.OpenAsync(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = db.Name }.ConnectionString);
        return new State(
            await Sql.ScalarAsync(admin, "SELECT count(*) FROM __ef_migrations_history"),
            await Sql.ScalarAsync(admin, "SELECT count(*) FROM pg_policies WHERE schemaname = 'public'"),
            await Sql.ScalarAsync(admin, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire'"),
            await Sql.ScalarAsync(admin, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
    }
}
