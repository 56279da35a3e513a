using Callvia.Core.Seeding;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Callvia.Core.Tests;

[Collection(DatabaseCollection.Name)]
public sealed class SeedingShould(CallviaFixture fixture)
{
    [Fact]
    public async Task Create_the_demo_tenants_once_however_often_it_runs()
    {
        var options = new DemoSeedOptions { DemoPassword = "Demo-password-1", PartnerSecret = "demo-partner-secret-1" };
        await SeedAsync(options);
        var first = await CountsAsync();
        Assert.Equal(2, first["clients"]);
        Assert.Equal(6, first["campaigns"]);
        Assert.True(first["leads"] > 0 && first["call_logs"] > 0 && first["appointments"] > 0 && first["invoices"] > 0);
        Assert.Equal(2, first["users"]);
        Assert.Equal(2, first["openiddict_applications"]);

        await SeedAsync(options);
        Assert.Equal(first, await CountsAsync());
    }

    private async Task SeedAsync(DemoSeedOptions options)
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(options);
    }

    private async Task<Dictionary<string, long>> CountsAsync()
    {
        await using var admin = await Sql.OpenAsync(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = fixture.Database.Name }.ConnectionString);
        const string demo = "(SELECT id FROM clients WHERE slug IN ('acme', 'globex'))";
        var counts = new Dictionary<string, long>
        {
            ["clients"] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM clients WHERE id IN {demo}"),
            ["users"] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM users WHERE client_id IN {demo}"),
            ["agency_admins"] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM users WHERE email = '{DemoSeeder.AgencyAdminEmail}'"),
            ["openiddict_applications"] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM openiddict_applications WHERE owner_client_id IN {demo}"),
        };
        foreach (var table in new[] { "campaigns", "leads", "call_logs", "usage_records", "appointments", "suppressions", "invoices" })
            counts[table] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM {table} WHERE client_id IN {demo}");
        return counts;
    }
}
