using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <summary>
    /// PostgreSQL row-level security: the second, independent wall between tenants (the first is EF Core's
    /// query filters). Policies read two per-connection settings that the app writes on every connection
    /// it opens (<c>TenantSession</c>): <c>app.client_id</c> (the tenant) and <c>app.agency</c> ('on' only
    /// inside the audited cross-tenant path). Unset means no rows. FORCE makes the owner obey too.
    /// </summary>
    public partial class RowLevelSecurity : Migration
    {
        internal static readonly string[] TenantTables =
            ["campaigns", "leads", "call_logs", "usage_records", "appointments", "messages",
             "suppressions", "milestones", "invoices", "events", "audit_log"];

        internal static readonly string[] UserChildTables = ["user_roles", "user_claims", "user_logins", "user_tokens"];

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION app_current_client() RETURNS uuid
                    LANGUAGE sql STABLE PARALLEL SAFE
                    AS $$ SELECT nullif(current_setting('app.client_id', true), '')::uuid $$;

                CREATE FUNCTION app_is_agency() RETURNS boolean
                    LANGUAGE sql STABLE PARALLEL SAFE
                    AS $$ SELECT coalesce(current_setting('app.agency', true), '') = 'on' $$;

                -- Host -> tenant, before any tenant is known: returns routing fields only.
                CREATE FUNCTION app_resolve_client(p_slug text)
                    RETURNS TABLE (id uuid, slug text, name text, status text, time_zone text)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$ SELECT c.id, c.slug::text, c.name::text, c.status::text, c.time_zone::text
                          FROM clients c WHERE c.slug = lower(p_slug) $$;

                -- Tenant id -> tenant, for jobs that carry a tenant id.
                CREATE FUNCTION app_resolve_client_by_id(p_id uuid)
                    RETURNS TABLE (id uuid, slug text, name text, status text, time_zone text)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$ SELECT c.id, c.slug::text, c.name::text, c.status::text, c.time_zone::text
                          FROM clients c WHERE c.id = p_id $$;

                -- clients: the app role sees its own client only. Not FORCEd, so the owner's
                -- SECURITY DEFINER resolver above can read the slug table.
                ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON clients
                    USING (id = app_current_client() OR app_is_agency())
                    WITH CHECK (id = app_current_client() OR app_is_agency());
                """);

            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_isolation ON {table}
                        USING (client_id = app_current_client() OR app_is_agency())
                        WITH CHECK (client_id = app_current_client() OR app_is_agency());
                    """);
            }

            // Partner applications: OpenIddict's own client_id column is the OAuth identifier; the tenant
            // is owner_client_id. Agency applications (NULL) are visible to the agency scope only.
            migrationBuilder.Sql("""
                ALTER TABLE openiddict_applications ENABLE ROW LEVEL SECURITY;
                ALTER TABLE openiddict_applications FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON openiddict_applications
                    USING (owner_client_id = app_current_client() OR app_is_agency())
                    WITH CHECK (owner_client_id = app_current_client() OR app_is_agency());
                """);

            // users: agency admins (client_id NULL) must be found and their sign-in counters updated on
            // every host; they can be created or deleted only by the agency.
            migrationBuilder.Sql("""
                ALTER TABLE users ENABLE ROW LEVEL SECURITY;
                ALTER TABLE users FORCE ROW LEVEL SECURITY;
                CREATE POLICY users_select ON users FOR SELECT
                    USING (client_id = app_current_client() OR client_id IS NULL OR app_is_agency());
                CREATE POLICY users_insert ON users FOR INSERT
                    WITH CHECK (client_id = app_current_client() OR app_is_agency());
                CREATE POLICY users_update ON users FOR UPDATE
                    USING (client_id = app_current_client() OR client_id IS NULL OR app_is_agency())
                    WITH CHECK (client_id = app_current_client() OR client_id IS NULL OR app_is_agency());
                CREATE POLICY users_delete ON users FOR DELETE
                    USING (client_id = app_current_client() OR app_is_agency());
                """);

            foreach (var table in UserChildTables)
            {
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_isolation ON {table}
                        USING (user_id IN (SELECT u.id FROM users u))
                        WITH CHECK (app_is_agency() OR user_id IN (SELECT u.id FROM users u WHERE u.client_id = app_current_client()));
                    """);
            }

            foreach (var table in new[] { "openiddict_authorizations", "openiddict_tokens" })
            {
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_isolation ON {table}
                        USING (app_is_agency() OR application_id IN (SELECT a.id FROM openiddict_applications a))
                        WITH CHECK (app_is_agency() OR application_id IN (SELECT a.id FROM openiddict_applications a));
                    """);
            }
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables.Concat(UserChildTables).Concat(["openiddict_applications", "openiddict_authorizations", "openiddict_tokens"]))
                migrationBuilder.Sql($"DROP POLICY IF EXISTS tenant_isolation ON {table}; ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY; ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;");
            migrationBuilder.Sql("""
                DROP POLICY IF EXISTS users_select ON users; DROP POLICY IF EXISTS users_insert ON users;
                DROP POLICY IF EXISTS users_update ON users; DROP POLICY IF EXISTS users_delete ON users;
                ALTER TABLE users NO FORCE ROW LEVEL SECURITY; ALTER TABLE users DISABLE ROW LEVEL SECURITY;
                DROP POLICY IF EXISTS tenant_isolation ON clients; ALTER TABLE clients DISABLE ROW LEVEL SECURITY;
                DROP FUNCTION IF EXISTS app_resolve_client(text);
                DROP FUNCTION IF EXISTS app_resolve_client_by_id(uuid);
                DROP FUNCTION IF EXISTS app_is_agency();
                DROP FUNCTION IF EXISTS app_current_client();
                """);
        }
    }
}
