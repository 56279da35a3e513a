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
