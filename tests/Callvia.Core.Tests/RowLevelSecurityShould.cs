using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>
/// The database's own wall between tenants, tested as the services connect: the app role, with the
/// per-connection tenant setting, and nothing from EF Core in the way.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class RowLevelSecurityShould(CallviaFixture fixture)
{
    /// <summary>Every table holding tenant data, with the SQL that picks one tenant's rows ({0} = client id).</summary>
    private static readonly Dictionary<string, string> TenantTables = new()
    {
        ["clients"] = "id = '{0}'",
        ["campaigns"] = "client_id = '{0}'",
        ["leads"] = "client_id = '{0}'",
        ["call_logs"] = "client_id = '{0}'",
        ["usage_records"] = "client_id = '{0}'",
        ["appointments"] = "client_id = '{0}'",
        ["messages"] = "client_id = '{0}'",
        ["suppressions"] = "client_id = '{0}'",
        ["milestones"] = "client_id = '{0}'",
        ["invoices"] = "client_id = '{0}'",
        ["events"] = "client_id = '{0}'",
        ["audit_log"] = "client_id = '{0}'",
        ["users"] = "client_id = '{0}'",
        ["user_roles"] = "user_id IN (SELECT id FROM users WHERE client_id = '{0}')",
        ["user_claims"] = "user_id IN (SELECT id FROM users WHERE client_id = '{0}')",
        ["user_logins"] = "user_id IN (SELECT id FROM users WHERE client_id = '{0}')",
        ["user_tokens"] = "user_id IN (SELECT id FROM users WHERE client_id = '{0}')",
        ["openiddict_applications"] = "owner_client_id = '{0}'",
        ["campaign_lead_counts"] = "client_id = '{0}'",
        ["kpi_daily_leads"] = "client_id = '{0}'",
        ["kpi_daily_calls"] = "client_id = '{0}'",
        ["kpi_campaign_reach"] = "client_id = '{0}'",
        ["kpi_daily_appointments"] = "client_id = '{0}'",
        ["kpi_daily_reach"] = "client_id = '{0}'",
        ["lead_imports"] = "client_id = '{0}'",
        ["lead_import_issues"] = "client_id = '{0}'",
        ["provider_secrets"] = "client_id = '{0}'",
        ["dial_attempts"] = "client_id = '{0}'",
        ["message_templates"] = "client_id = '{0}'",
        ["email_bounces"] = "client_id = '{0}'",
        ["invoice_lines"] = "client_id = '{0}'",
        ["milestone_entries"] = "client_id = '{0}'",
        ["openiddict_authorizations"] = "application_id IN (SELECT id FROM openiddict_applications WHERE owner_client_id = '{0}')",
        ["openiddict_tokens"] = "application_id IN (SELECT id FROM openiddict_applications WHERE owner_client_id = '{0}')",
    };

    [Fact]
    public async Task Cover_every_table_that_holds_tenant_data_with_forced_row_level_security()
    {
        await using var admin = await AdminAsync();
        // Any table with a tenant or owner column, or hanging off users/applications, must be in the list.
        var withTenantColumns = await Sql.RowsAsync(admin, """
            SELECT DISTINCT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND a.attname IN ('client_id', 'owner_client_id', 'user_id', 'application_id')
            """);
        Assert.Empty(withTenantColumns.Except(TenantTables.Keys));

        var unprotected = await Sql.RowsAsync(admin, $"""
            SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname = ANY (ARRAY['{string.Join("','", TenantTables.Keys)}'])
              AND NOT (c.relrowsecurity AND (c.relforcerowsecurity OR c.relname = 'clients'))
            """);
        Assert.Empty(unprotected);
    }

    [Fact]
    public async Task Show_the_app_role_with_tenant_A_set_none_of_B_rows_and_all_of_A_rows()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        await using var admin = await AdminAsync();
        await using var app = await Sql.OpenAsync(fixture.Database.AppConnectionString, a.Id);

        foreach (var (table, predicate) in TenantTables)
        {
            var rowsOfA = await Sql.RowsAsync(admin, $"SELECT t::text FROM {table} t WHERE {string.Format(predicate, a.Id)}");
            var rowsOfB = await Sql.RowsAsync(admin, $"SELECT t::text FROM {table} t WHERE {string.Format(predicate, b.Id)}");
            Assert.True(rowsOfA.Count > 0 && rowsOfB.Count > 0, $"test data should have rows of both tenants in {table}");

            var visible = (await Sql.RowsAsync(app, $"SELECT t::text FROM {table} t")).ToHashSet();
            Assert.True(rowsOfB.All(r => !visible.Contains(r)), $"{table}: a row of B is visible with A set");
            Assert.True(rowsOfA.All(visible.Contains), $"{table}: a row of A is hidden with A set");
        }
    }

    [Fact]
    public async Task Show_agency_bound_applications_to_the_admin_host_scope_and_to_no_tenant()
    {
        var tenant = await fixture.CreateTenantAsync();
        var agencyApp = "agency-rls-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Services.GetRequiredService<Callvia.Core.Tenancy.AgencyAccess>().RunAsync("test.agency_app", (_, sp) =>
            sp.GetRequiredService<Callvia.Core.Identity.PartnerApps>().EnsureAsync(agencyApp, "agency-secret-123", "Agency app", null), actor: "test");
        var count = $"SELECT count(*) FROM openiddict_applications WHERE client_id = '{agencyApp}'";
        await using (var none = await Sql.OpenAsync(fixture.Database.AppConnectionString, tenant: null))
            Assert.Equal(1, await Sql.ScalarAsync(none, count));
        await using var inTenant = await Sql.OpenAsync(fixture.Database.AppConnectionString, tenant.Id);
        Assert.Equal(0, await Sql.ScalarAsync(inTenant, count));
        Assert.Equal(0, await Sql.ScalarAsync(inTenant, "SELECT count(*) FROM openiddict_applications WHERE owner_client_id IS NULL"));
    }

    [Fact]
    public async Task Show_the_app_role_with_no_tenant_set_no_tenant_rows_at_all()
    {
        await fixture.CreateTenantAsync();
        await TestData.EnsureAgencyAdminAsync(fixture.Services);
        await using var app = await Sql.OpenAsync(fixture.Database.AppConnectionString, tenant: null);
        foreach (var table in TenantTables.Keys)
        {
            // Agency people (no client) stay findable for sign-in on any host; they are nobody's tenant data.
            var sql = table switch
            {
                "users" => "SELECT count(*) FROM users WHERE client_id IS NOT NULL",
                "user_roles" or "user_claims" or "user_logins" or "user_tokens" =>
                    $"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id AND u.client_id IS NULL)",
                // likewise the agency's own partner applications (the admin host's token endpoint authenticates them)
                "openiddict_applications" => "SELECT count(*) FROM openiddict_applications WHERE owner_client_id IS NOT NULL",
                "openiddict_authorizations" or "openiddict_tokens" =>
                    $"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM openiddict_applications a WHERE a.id = t.application_id AND a.owner_client_id IS NULL)",
                _ => $"SELECT count(*) FROM {table}",
            };
            Assert.True(await Sql.ScalarAsync(app, sql) == 0, $"{table} shows rows with no tenant set");
        }
        // and the agency admin is indeed visible, so the check above is not vacuous for users
        Assert.True(await Sql.ScalarAsync(app, "SELECT count(*) FROM users WHERE client_id IS NULL") > 0);
    }

    [Fact]
    public async Task Refuse_inserting_or_updating_rows_with_B_client_id_while_A_is_set()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        await using var app = await Sql.OpenAsync(fixture.Database.AppConnectionString, a.Id);
        var tables = TenantTables.Where(t => t.Value.StartsWith("client_id") || t.Value.StartsWith("owner_client_id"))
            .Select(t => (Table: t.Key, Column: t.Value.Split(' ')[0]));

        foreach (var (table, column) in tables)
        {
            // a copy of one of A's rows, re-labelled as B's
            var newId = table switch
            {
                "audit_log" => ", id = (SELECT max(id) + 1000 FROM audit_log)",
                "campaign_lead_counts" or "lead_import_issues" or "provider_secrets" or "kpi_daily_leads" or "kpi_daily_calls" or "kpi_campaign_reach" or "kpi_daily_appointments" or "kpi_daily_reach" => "", // keyed by their parents
                _ => ", id = gen_random_uuid()",
            };
            // every column but the generated ones (the database computes those)
            var columns = string.Join(", ", await Sql.RowsAsync(app, $"""
                SELECT column_name::text FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = '{table}' AND is_generated = 'NEVER' ORDER BY ordinal_position
                """));
            var insert = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecAsync(app, $"""
                CREATE TEMP TABLE copy_row AS SELECT * FROM {table} WHERE {column} = '{a.Id}' LIMIT 1;
                UPDATE copy_row SET {column} = '{b.Id}'{newId};
                INSERT INTO {table} ({columns}) SELECT {columns} FROM copy_row;
                """));
            Assert.True(insert.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{table} insert: {insert.MessageText}");
            await Sql.ExecAsync(app, "DROP TABLE IF EXISTS copy_row");

            var update = await Assert.ThrowsAsync<PostgresException>(() =>
                Sql.ExecAsync(app, $"UPDATE {table} SET {column} = '{b.Id}' WHERE {column} = '{a.Id}'"));
            Assert.True(update.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{table} update: {update.MessageText}");

            if (table != "audit_log") // append-only: no UPDATE or DELETE grant at all
            {
                Assert.Equal(0, await Sql.ExecAsync(app, $"UPDATE {table} SET {column} = {column} WHERE {column} = '{b.Id}'"));
                Assert.Equal(0, await Sql.ExecAsync(app, $"DELETE FROM {table} WHERE {column} = '{b.Id}'"));
            }
        }

        await using var admin = await AdminAsync();
        Assert.True(await Sql.ScalarAsync(admin, $"SELECT count(*) FROM campaigns WHERE client_id = '{b.Id}'") == 2, "B's rows are untouched");
    }

    [Fact]
    public async Task Not_let_the_app_role_change_the_audit_trail()
    {
        var a = await fixture.CreateTenantAsync();
        await using var app = await Sql.OpenAsync(fixture.Database.AppConnectionString, a.Id);
        var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecAsync(app, "DELETE FROM audit_log"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }

    private Task<NpgsqlConnection> AdminAsync() =>
        Sql.OpenAsync(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = fixture.Database.Name }.ConnectionString);
}
