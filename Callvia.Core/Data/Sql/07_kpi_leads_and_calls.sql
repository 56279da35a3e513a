-- KPI rollups of leads, calls and usage (read by KpiService; the dashboard never counts raw rows for whole days).
-- Kept by statement triggers: each statement's rows are added (new) and subtracted (old), grouped by the rollup's key,
-- in the client's time zone; a time-zone change rebuilds (10_kpi_time_zone.sql).
--   kpi_daily_leads     leads by the local day they were created, campaign and status
--   kpi_daily_calls     calls by the local day they were logged and campaign; usage cost by the local day it occurred
--                       and the call's campaign (a call without a campaign: the empty uuid)
--   kpi_campaign_reach  each campaign's called and contacted leads, from leads.first_called_at / first_contacted_at,
--                       which the call triggers keep (a lead's first call, its first connected call)
-- The INSERT / DELETE / UPDATE branches repeat one statement over different transition tables: a PL/pgSQL statement
-- can only name the transition tables its trigger has, so the shared part cannot be factored out without dynamic SQL
-- (planned on every call) or copying the rows into arrays (a second copy of every changed row).

CREATE OR REPLACE FUNCTION kpi_leads_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO kpi_daily_leads (client_id, day, campaign_id, status, count)
        SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date, r.campaign_id, r.status, count(*)
        FROM new_rows r JOIN clients c ON c.id = r.client_id
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (client_id, day, campaign_id, status) DO UPDATE SET count = kpi_daily_leads.count + excluded.count;

        INSERT INTO kpi_campaign_reach (campaign_id, client_id, called_leads, contacted_leads)
        SELECT campaign_id, client_id, count(first_called_at), count(first_contacted_at)
        FROM new_rows WHERE first_called_at IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (client_id, campaign_id) DO UPDATE SET called_leads = kpi_campaign_reach.called_leads + excluded.called_leads,
            contacted_leads = kpi_campaign_reach.contacted_leads + excluded.contacted_leads;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO kpi_daily_leads (client_id, day, campaign_id, status, count)
        SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date, r.campaign_id, r.status, -count(*)
        FROM old_rows r JOIN clients c ON c.id = r.client_id
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (client_id, day, campaign_id, status) DO UPDATE SET count = kpi_daily_leads.count + excluded.count;

        INSERT INTO kpi_campaign_reach (campaign_id, client_id, called_leads, contacted_leads)
        SELECT campaign_id, client_id, -count(first_called_at), -count(first_contacted_at)
        FROM old_rows WHERE first_called_at IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (client_id, campaign_id) DO UPDATE SET called_leads = kpi_campaign_reach.called_leads + excluded.called_leads,
            contacted_leads = kpi_campaign_reach.contacted_leads + excluded.contacted_leads;
    ELSE
        -- an update moves a lead between keys (its status, most often): old rows out, new rows in, net changes only
        INSERT INTO kpi_daily_leads (client_id, day, campaign_id, status, count)
        SELECT client_id, day, campaign_id, status, sum(n) FROM (
            SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day, r.campaign_id, r.status, -1 AS n
            FROM old_rows r JOIN clients c ON c.id = r.client_id
            UNION ALL
            SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date, r.campaign_id, r.status, 1
            FROM new_rows r JOIN clients c ON c.id = r.client_id) d
        GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (client_id, day, campaign_id, status) DO UPDATE SET count = kpi_daily_leads.count + excluded.count;

        INSERT INTO kpi_campaign_reach (campaign_id, client_id, called_leads, contacted_leads)
        SELECT campaign_id, client_id, sum(called), sum(contacted) FROM (
            SELECT campaign_id, client_id, -count(first_called_at) AS called, -count(first_contacted_at) AS contacted
            FROM old_rows WHERE first_called_at IS NOT NULL GROUP BY 1, 2
            UNION ALL
            SELECT campaign_id, client_id, count(first_called_at), count(first_contacted_at)
            FROM new_rows WHERE first_called_at IS NOT NULL GROUP BY 1, 2) d
        GROUP BY 1, 2 HAVING sum(called) <> 0 OR sum(contacted) <> 0 ORDER BY 1, 2
        ON CONFLICT (client_id, campaign_id) DO UPDATE SET called_leads = kpi_campaign_reach.called_leads + excluded.called_leads,
            contacted_leads = kpi_campaign_reach.contacted_leads + excluded.contacted_leads;
    END IF;
    RETURN NULL;
END $$;

-- A lead's first call and first connected call, from its calls (after a call is deleted or moved to another lead).
CREATE OR REPLACE FUNCTION kpi_recount_first_calls(p_leads uuid[]) RETURNS void LANGUAGE sql AS $$
    UPDATE leads l SET first_called_at = x.first_call, first_contacted_at = x.first_contact
    FROM (SELECT o.lead_id,
                 (SELECT min(c.created_at) FROM call_logs c WHERE c.lead_id = o.lead_id) AS first_call,
                 (SELECT min(coalesce(c.started_at, c.created_at)) FROM call_logs c
                  WHERE c.lead_id = o.lead_id AND call_connected(c.started_at, c.duration_seconds)) AS first_contact
          FROM unnest(p_leads) o(lead_id)) x
    WHERE l.id = x.lead_id AND (l.first_called_at, l.first_contacted_at) IS DISTINCT FROM (x.first_call, x.first_contact);
$$;

CREATE OR REPLACE FUNCTION kpi_calls_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO kpi_daily_calls (client_id, day, campaign_id, calls)
        SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date,
               coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'), count(*)
        FROM new_rows r JOIN clients c ON c.id = r.client_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET calls = kpi_daily_calls.calls + excluded.calls;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO kpi_daily_calls (client_id, day, campaign_id, calls)
        SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date,
               coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'), -count(*)
        FROM old_rows r JOIN clients c ON c.id = r.client_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET calls = kpi_daily_calls.calls + excluded.calls;
    ELSE
        -- only a call that changed its day or campaign moves (not a status or a transcript)
        INSERT INTO kpi_daily_calls (client_id, day, campaign_id, calls)
        SELECT client_id, day, campaign_id, sum(n) FROM (
            SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id, -1 AS n
            FROM old_rows r JOIN clients c ON c.id = r.client_id
            UNION ALL
            SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'), 1
            FROM new_rows r JOIN clients c ON c.id = r.client_id) d
        GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET calls = kpi_daily_calls.calls + excluded.calls;
    END IF;

    IF TG_OP <> 'DELETE' THEN
        -- forward only: the lead's row lock makes "first" exact when two calls of one lead are logged at once
        UPDATE leads l SET first_called_at = coalesce(l.first_called_at, x.first_call),
                           first_contacted_at = coalesce(l.first_contacted_at, x.first_contact)
        FROM (SELECT lead_id, min(created_at) AS first_call,
                     min(coalesce(started_at, created_at)) FILTER (WHERE call_connected(started_at, duration_seconds)) AS first_contact
              FROM new_rows WHERE lead_id IS NOT NULL GROUP BY lead_id) x
        WHERE l.id = x.lead_id
          AND (l.first_called_at IS NULL OR (l.first_contacted_at IS NULL AND x.first_contact IS NOT NULL));
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM kpi_recount_first_calls(ARRAY(SELECT DISTINCT lead_id FROM old_rows WHERE lead_id IS NOT NULL));
    ELSIF TG_OP = 'UPDATE' THEN
        -- a call moved to another lead (not a product flow, but the numbers must stay right)
        PERFORM kpi_recount_first_calls(ARRAY(SELECT lead_id FROM old_rows WHERE lead_id IS NOT NULL EXCEPT SELECT lead_id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;

-- a call's usage cost is kept under the call's campaign: a call that changes campaign takes it along
CREATE OR REPLACE FUNCTION kpi_call_campaign_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kpi_daily_calls (client_id, day, campaign_id, usage_cost)
    SELECT client_id, day, campaign_id, sum(cost) FROM (
        SELECT u.client_id, (u.occurred_at AT TIME ZONE c.time_zone)::date AS day,
               coalesce(o.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id, -u.cost AS cost
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN usage_records u ON u.call_log_id = n.id JOIN clients c ON c.id = u.client_id
        WHERE o.campaign_id IS DISTINCT FROM n.campaign_id
        UNION ALL
        SELECT u.client_id, (u.occurred_at AT TIME ZONE c.time_zone)::date,
               coalesce(n.campaign_id, '00000000-0000-0000-0000-000000000000'), u.cost
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN usage_records u ON u.call_log_id = n.id JOIN clients c ON c.id = u.client_id
        WHERE o.campaign_id IS DISTINCT FROM n.campaign_id) d
    GROUP BY 1, 2, 3 HAVING sum(cost) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET usage_cost = kpi_daily_calls.usage_cost + excluded.usage_cost;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kpi_usage_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO kpi_daily_calls (client_id, day, campaign_id, usage_cost)
        SELECT r.client_id, (r.occurred_at AT TIME ZONE c.time_zone)::date,
               coalesce(k.campaign_id, '00000000-0000-0000-0000-000000000000'), sum(r.cost)
        FROM new_rows r JOIN call_logs k ON k.id = r.call_log_id JOIN clients c ON c.id = r.client_id
        GROUP BY 1, 2, 3 HAVING sum(r.cost) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET usage_cost = kpi_daily_calls.usage_cost + excluded.usage_cost;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO kpi_daily_calls (client_id, day, campaign_id, usage_cost)
        SELECT r.client_id, (r.occurred_at AT TIME ZONE c.time_zone)::date,
               coalesce(k.campaign_id, '00000000-0000-0000-0000-000000000000'), -sum(r.cost)
        FROM old_rows r JOIN call_logs k ON k.id = r.call_log_id JOIN clients c ON c.id = r.client_id
        GROUP BY 1, 2, 3 HAVING sum(r.cost) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET usage_cost = kpi_daily_calls.usage_cost + excluded.usage_cost;
    ELSE
        -- an update that leaves every row's cost, time and call as they were (the month close marking usage billed)
        -- changes no rollup: found by a set difference of the two transition tables, without reading the calls
        IF NOT EXISTS (SELECT id, client_id, call_log_id, cost, occurred_at FROM new_rows
                       EXCEPT ALL SELECT id, client_id, call_log_id, cost, occurred_at FROM old_rows) THEN
            RETURN NULL;
        END IF;
        INSERT INTO kpi_daily_calls (client_id, day, campaign_id, usage_cost)
        SELECT client_id, day, campaign_id, sum(cost) FROM (
            SELECT r.client_id, (r.occurred_at AT TIME ZONE c.time_zone)::date AS day,
                   coalesce(k.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id, -r.cost AS cost
            FROM old_rows r JOIN call_logs k ON k.id = r.call_log_id JOIN clients c ON c.id = r.client_id
            UNION ALL
            SELECT r.client_id, (r.occurred_at AT TIME ZONE c.time_zone)::date,
                   coalesce(k.campaign_id, '00000000-0000-0000-0000-000000000000'), r.cost
            FROM new_rows r JOIN call_logs k ON k.id = r.call_log_id JOIN clients c ON c.id = r.client_id) d
        GROUP BY 1, 2, 3 HAVING sum(cost) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET usage_cost = kpi_daily_calls.usage_cost + excluded.usage_cost;
    END IF;
    RETURN NULL;
END $$;

-- the rollups of one client (NULL: all) from the rows, in the client's current time zone
CREATE OR REPLACE FUNCTION kpi_rebuild(p_client uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    DELETE FROM kpi_daily_leads WHERE p_client IS NULL OR client_id = p_client;
    DELETE FROM kpi_daily_calls WHERE p_client IS NULL OR client_id = p_client;
    INSERT INTO kpi_daily_leads (client_id, day, campaign_id, status, count)
    SELECT l.client_id, (l.created_at AT TIME ZONE c.time_zone)::date, l.campaign_id, l.status, count(*)
    FROM leads l JOIN clients c ON c.id = l.client_id
    WHERE p_client IS NULL OR l.client_id = p_client
    GROUP BY 1, 2, 3, 4;
    INSERT INTO kpi_daily_calls (client_id, day, campaign_id, calls, usage_cost)
    SELECT client_id, day, campaign_id, sum(calls), sum(cost) FROM (
        SELECT k.client_id, (k.created_at AT TIME ZONE c.time_zone)::date AS day,
               coalesce(k.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id, count(*) AS calls, 0::numeric AS cost
        FROM call_logs k JOIN clients c ON c.id = k.client_id
        WHERE p_client IS NULL OR k.client_id = p_client
        GROUP BY 1, 2, 3
        UNION ALL
        SELECT u.client_id, (u.occurred_at AT TIME ZONE c.time_zone)::date,
               coalesce(k.campaign_id, '00000000-0000-0000-0000-000000000000'), 0, sum(u.cost)
        FROM usage_records u JOIN call_logs k ON k.id = u.call_log_id JOIN clients c ON c.id = u.client_id
        WHERE p_client IS NULL OR u.client_id = p_client
        GROUP BY 1, 2, 3) d
    GROUP BY 1, 2, 3;
    PERFORM set_config('app.agency', coalesce(previous, ''), true);
END $$;

CREATE OR REPLACE TRIGGER kpi_leads_insert AFTER INSERT ON leads
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_leads_changes();
CREATE OR REPLACE TRIGGER kpi_leads_update AFTER UPDATE ON leads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_leads_changes();
CREATE OR REPLACE TRIGGER kpi_leads_delete AFTER DELETE ON leads
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_leads_changes();
CREATE OR REPLACE TRIGGER kpi_calls_insert AFTER INSERT ON call_logs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_changes();
CREATE OR REPLACE TRIGGER kpi_calls_update AFTER UPDATE ON call_logs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_changes();
CREATE OR REPLACE TRIGGER kpi_calls_delete AFTER DELETE ON call_logs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_changes();
CREATE OR REPLACE TRIGGER kpi_calls_campaign_update AFTER UPDATE ON call_logs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_call_campaign_changes();
CREATE OR REPLACE TRIGGER kpi_usage_insert AFTER INSERT ON usage_records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_usage_changes();
CREATE OR REPLACE TRIGGER kpi_usage_update AFTER UPDATE ON usage_records
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_usage_changes();
CREATE OR REPLACE TRIGGER kpi_usage_delete AFTER DELETE ON usage_records
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_usage_changes();

-- on (re)apply: every lead's first call and connected call, each campaign's reach, every rollup
SELECT set_config('app.agency', 'on', true);
UPDATE leads l SET first_called_at = x.first_call, first_contacted_at = x.first_contact
FROM (SELECT lead_id, min(created_at) AS first_call,
             min(coalesce(started_at, created_at)) FILTER (WHERE call_connected(started_at, duration_seconds)) AS first_contact
      FROM call_logs WHERE lead_id IS NOT NULL GROUP BY lead_id) x
WHERE l.id = x.lead_id AND (l.first_called_at, l.first_contacted_at) IS DISTINCT FROM (x.first_call, x.first_contact);
DELETE FROM kpi_campaign_reach;
INSERT INTO kpi_campaign_reach (campaign_id, client_id, called_leads, contacted_leads)
SELECT campaign_id, client_id, count(first_called_at), count(first_contacted_at) FROM leads
WHERE first_called_at IS NOT NULL GROUP BY 1, 2;
SELECT kpi_rebuild(NULL);
SELECT set_config('app.agency', 'off', true);
