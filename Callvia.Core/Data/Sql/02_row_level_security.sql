-- Row-level security: the second, independent wall between tenants (the first is EF Core's query filters). FORCE makes
-- the tables' owner obey too; code that must see every tenant sets app.agency for one statement and puts it back.
-- A table with a client_id that is missing here fails RowLevelSecurityShould.

-- Tenant tables: a row is the session's client's. (SELECT f()) makes PostgreSQL evaluate the setting once per query.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'campaigns', 'leads', 'call_logs', 'usage_records', 'appointments', 'messages', 'suppressions', 'milestones',
        'invoices', 'events', 'audit_log', 'lead_imports', 'lead_import_issues', 'campaign_lead_counts', 'provider_secrets',
        'kpi_daily_leads', 'kpi_daily_calls', 'kpi_campaign_reach', 'kpi_daily_appointments', 'kpi_daily_reach',
        'dial_attempts', 'message_templates', 'email_bounces', 'invoice_lines', 'milestone_entries']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()))
            WITH CHECK (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()))$p$, t);
    END LOOP;
END $$;

-- clients: the app role sees its own client only. Not FORCEd, so the owner's SECURITY DEFINER resolvers can read it.
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON clients;
CREATE POLICY tenant_isolation ON clients
    USING (id = app_current_client() OR app_is_agency())
    WITH CHECK (id = app_current_client() OR app_is_agency());

-- Partner applications: OpenIddict's own client_id column is the OAuth identifier; the tenant is owner_client_id.
-- Agency applications (owner NULL) are visible on the agency host (no client) and to the agency scope.
ALTER TABLE openiddict_applications ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON openiddict_applications;
CREATE POLICY tenant_isolation ON openiddict_applications
    USING (owner_client_id = (SELECT app_current_client())
           OR (owner_client_id IS NULL AND (SELECT app_current_client()) IS NULL)
           OR (SELECT app_is_agency()))
    WITH CHECK (owner_client_id = (SELECT app_current_client())
                OR (owner_client_id IS NULL AND (SELECT app_current_client()) IS NULL)
                OR (SELECT app_is_agency()));

-- their authorizations and tokens follow the application
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['openiddict_authorizations', 'openiddict_tokens'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (app_is_agency() OR application_id IN (SELECT a.id FROM openiddict_applications a))
            WITH CHECK (app_is_agency() OR application_id IN (SELECT a.id FROM openiddict_applications a))$p$, t);
    END LOOP;
END $$;

-- users: agency admins (client_id NULL) must be found and their sign-in counters updated on every host; they can be
-- created or deleted only by the agency.
ALTER TABLE users ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS users_select ON users;
DROP POLICY IF EXISTS users_insert ON users;
DROP POLICY IF EXISTS users_update ON users;
DROP POLICY IF EXISTS users_delete ON users;
CREATE POLICY users_select ON users FOR SELECT
    USING (client_id = app_current_client() OR client_id IS NULL OR app_is_agency());
CREATE POLICY users_insert ON users FOR INSERT
    WITH CHECK (client_id = app_current_client() OR app_is_agency());
CREATE POLICY users_update ON users FOR UPDATE
    USING (client_id = app_current_client() OR client_id IS NULL OR app_is_agency())
    WITH CHECK (client_id = app_current_client() OR client_id IS NULL OR app_is_agency());
CREATE POLICY users_delete ON users FOR DELETE
    USING (client_id = app_current_client() OR app_is_agency());

-- a user's claims, logins, roles and tokens follow the user
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['user_roles', 'user_claims', 'user_logins', 'user_tokens'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (user_id IN (SELECT u.id FROM users u))
            WITH CHECK (app_is_agency() OR user_id IN (SELECT u.id FROM users u WHERE u.client_id = app_current_client()))$p$, t);
    END LOOP;
END $$;
