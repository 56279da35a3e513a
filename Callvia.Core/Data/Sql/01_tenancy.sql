-- Tenancy: who the session is. Every connection the services open sets app.client_id (the tenant) and app.agency
-- ('on' only inside the audited cross-tenant path, AgencyAccess); unset means no rows (TenantConnectionInterceptor).
-- The resolvers below run before a tenant is known, as the owner (SECURITY DEFINER), and return routing fields only.

CREATE OR REPLACE FUNCTION app_current_client() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.client_id', true), '')::uuid $$;

CREATE OR REPLACE FUNCTION app_is_agency() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.agency', true), '') = 'on' $$;

-- host -> tenant (TenantStore)
CREATE OR REPLACE FUNCTION app_resolve_client(p_slug text)
    RETURNS TABLE (id uuid, slug text, name text, status text, time_zone text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT c.id, c.slug::text, c.name::text, c.status::text, c.time_zone::text
          FROM clients c WHERE c.slug = lower(p_slug) $$;

-- tenant id -> tenant, for jobs that carry a tenant id
CREATE OR REPLACE FUNCTION app_resolve_client_by_id(p_id uuid)
    RETURNS TABLE (id uuid, slug text, name text, status text, time_zone text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT c.id, c.slug::text, c.name::text, c.status::text, c.time_zone::text
          FROM clients c WHERE c.id = p_id $$;

-- Stripe's platform webhook -> tenant, by the customer the invoice is for
CREATE OR REPLACE FUNCTION app_client_by_stripe_customer(p_customer text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT c.id FROM clients c WHERE c.stripe_customer_id = p_customer $$;
