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
        Assert.Equal(4, first["users"]);
        Assert.Equal(2, first["client_admins"]);
        Assert.Equal(2, first["client_users"]);
        Assert.Equal(2, first["openiddict_applications"]);

        await SeedAsync(options);
        Assert.Equal(first, await CountsAsync());
    }

    [Fact]
    public async Task Make_demo_data_that_agrees_with_itself_even_seeded_minutes_into_a_month()
    {
        // the 1st of a month, just after midnight: the hardest moment for "paid a few days after the 1st"
        var now = new DateTimeOffset(2031, 3, 1, 0, 30, 0, TimeSpan.Zero);
        var slug = "demo" + Guid.NewGuid().ToString("N")[..8];
        await using (var scope = fixture.Services.CreateAsyncScope())
        {
            var seeder = ActivatorUtilities.CreateInstance<DemoSeeder>(scope.ServiceProvider, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));
            await seeder.SeedAsync(new DemoSeedOptions { DemoPassword = "Demo-password-1", PartnerSecret = "demo-partner-secret-1" }, default,
                [new DemoSeeder.DemoTenant(slug, "Consistent Co", "America/Chicago", "US", "+1312555", ["One", "Two", "Three"])]);
        }
        await using var admin = await Sql.OpenAsync(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = fixture.Database.Name }.ConnectionString);
        var client = $"(SELECT id FROM clients WHERE slug = '{slug}')";
        var at = $"'{now:O}'::timestamptz";

        Assert.True(await Sql.ScalarAsync(admin, $"SELECT count(*) FROM leads WHERE client_id = {client}") >= 10);
        // attempts are the lead's calls; new leads were never called, all others were
        Assert.Equal(0, await Sql.ScalarAsync(admin, $"""
            SELECT count(*) FROM leads l WHERE l.client_id = {client}
              AND (l.attempts <> (SELECT count(*) FROM call_logs c WHERE c.lead_id = l.id) OR (l.status = 'new') <> (l.attempts = 0))
            """));
        // a lead who said not interested is on the do-not-contact list
        Assert.Equal(0, await Sql.ScalarAsync(admin, $"SELECT count(*) FROM leads l WHERE l.client_id = {client} AND l.status = 'dnc' AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.client_id = l.client_id AND s.phone_e164 = l.phone_e164)"));
        // nothing dated after now: calls, usage, bookings, answers, verifications, invoices and payments
        Assert.Equal(0, await Sql.ScalarAsync(admin, $"""
            SELECT (SELECT count(*) FROM call_logs WHERE client_id = {client} AND (started_at > {at} OR ended_at > {at}))
                 + (SELECT count(*) FROM usage_records WHERE client_id = {client} AND occurred_at > {at})
                 + (SELECT count(*) FROM appointments WHERE client_id = {client} AND (booked_at > {at} OR booked_at > starts_at OR verified_at > {at} OR client_answered_at > {at}))
                 + (SELECT count(*) FROM invoices WHERE client_id = {client} AND (issued_at > {at} OR paid_at > {at} OR paid_at < issued_at))
            """));
        Assert.Equal(1, await Sql.ScalarAsync(admin, $"SELECT count(*) FROM invoices WHERE client_id = {client} AND status = 'paid' AND period = '2031-02'"));
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
            ["client_admins"] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE u.client_id IN {demo} AND r.name = 'client_admin'"),
            ["client_users"] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE u.client_id IN {demo} AND r.name = 'client_user'"),
            ["agency_admins"] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM users WHERE email = '{DemoSeeder.AgencyAdminEmail}'"),
            ["openiddict_applications"] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM openiddict_applications WHERE owner_client_id IN {demo}"),
        };
        foreach (var table in new[] { "campaigns", "leads", "call_logs", "usage_records", "appointments", "suppressions", "invoices" })
            counts[table] = await Sql.ScalarAsync(admin, $"SELECT count(*) FROM {table} WHERE client_id IN {demo}");
        return counts;
    }
}
