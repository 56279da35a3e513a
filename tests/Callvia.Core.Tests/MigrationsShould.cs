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
