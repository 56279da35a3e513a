-- KPI rollup of reach (kpi_daily_reach): the called and contacted leads of any range of days, without scanning calls.
-- For each lead and campaign, its distinct local call days in order: each adds 1 at (day, the previous such day, or
-- -infinity); the leads called in days [a, b] are the sum over days in [a, b] with since < a (KpiService). Connected
-- calls (call_connected) make a second sequence of their own. A lead's calls all have its campaign (a lead stays in its
-- campaign, and a call takes its lead's), so the campaigns' sums are the client's.
-- A statement changes the sequences of the leads it touches: their pairs after the statement (call_logs now) minus
-- their pairs before it (call_logs now with the statement's rows replaced by their old versions).
-- The INSERT / DELETE / UPDATE branches repeat one statement over different transition tables: a PL/pgSQL statement
-- can only name the transition tables its trigger has, so the shared part cannot be factored out without dynamic SQL
-- (planned on every call) or copying the rows into arrays (a second copy of every changed row).

CREATE OR REPLACE FUNCTION kpi_reach_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changed AS (SELECT DISTINCT lead_id FROM new_rows WHERE lead_id IS NOT NULL),
        now_rows AS (SELECT k.* FROM call_logs k JOIN changed x ON x.lead_id = k.lead_id),
        before_rows AS (SELECT k.* FROM now_rows k WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = k.id)),
        days AS (
            SELECT r.sign, r.client_id, r.lead_id, coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
                   (r.created_at AT TIME ZONE c.time_zone)::date AS day, call_connected(r.started_at, r.duration_seconds) AS connected
            FROM (SELECT 1 AS sign, k.client_id, k.lead_id, k.campaign_id, k.created_at, k.started_at, k.duration_seconds FROM now_rows k
                  UNION ALL
                  SELECT -1, k.client_id, k.lead_id, k.campaign_id, k.created_at, k.started_at, k.duration_seconds FROM before_rows k) r
            JOIN clients c ON c.id = r.client_id),
        pairs AS (
            -- each lead's distinct local call days in order: a day adds 1 at (day, the previous such day, or -infinity);
            -- connected calls make a second sequence of their own (the contacted leads); before's pairs subtract
            SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity') AS since, sign AS called, 0 AS contacted
            FROM (SELECT DISTINCT r.sign, r.client_id, r.lead_id, r.campaign_id, r.day FROM days r) d
            WINDOW w AS (PARTITION BY sign, client_id, lead_id, campaign_id ORDER BY day)
            UNION ALL
            SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity'), 0, sign
            FROM (SELECT DISTINCT r.sign, r.client_id, r.lead_id, r.campaign_id, r.day FROM days r WHERE r.connected) d
            WINDOW w AS (PARTITION BY sign, client_id, lead_id, campaign_id ORDER BY day))
        INSERT INTO kpi_daily_reach (client_id, day, campaign_id, since, called, contacted)
        SELECT client_id, day, campaign_id, since, sum(called), sum(contacted) FROM pairs
        GROUP BY 1, 2, 3, 4 HAVING sum(called) <> 0 OR sum(contacted) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (client_id, day, campaign_id, since) DO UPDATE SET called = kpi_daily_reach.called + excluded.called,
            contacted = kpi_daily_reach.contacted + excluded.contacted;
    ELSIF TG_OP = 'DELETE' THEN
        WITH changed AS (SELECT DISTINCT lead_id FROM old_rows WHERE lead_id IS NOT NULL),
        now_rows AS (SELECT k.* FROM call_logs k JOIN changed x ON x.lead_id = k.lead_id),
        before_rows AS (SELECT k.* FROM now_rows k
                        UNION ALL
                        SELECT o.* FROM old_rows o JOIN changed x ON x.lead_id = o.lead_id),
        days AS (
            SELECT r.sign, r.client_id, r.lead_id, coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
                   (r.created_at AT TIME ZONE c.time_zone)::date AS day, call_connected(r.started_at, r.duration_seconds) AS connected
            FROM (SELECT 1 AS sign, k.client_id, k.lead_id, k.campaign_id, k.created_at, k.started_at, k.duration_seconds FROM now_rows k
                  UNION ALL
                  SELECT -1, k.client_id, k.lead_id, k.campaign_id, k.created_at, k.started_at, k.duration_seconds FROM before_rows k) r
            JOIN clients c ON c.id = r.client_id),
        pairs AS (
            -- each lead's distinct local call days in order: a day adds 1 at (day, the previous such day, or -infinity);
            -- connected calls make a second sequence of their own (the contacted leads); before's pairs subtract
            SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity') AS since, sign AS called, 0 AS contacted
            FROM (SELECT DISTINCT r.sign, r.client_id, r.lead_id, r.campaign_id, r.day FROM days r) d
            WINDOW w AS (PARTITION BY sign, client_id, lead_id, campaign_id ORDER BY day)
            UNION ALL
            SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity'), 0, sign
            FROM (SELECT DISTINCT r.sign, r.client_id, r.lead_id, r.campaign_id, r.day FROM days r WHERE r.connected) d
            WINDOW w AS (PARTITION BY sign, client_id, lead_id, campaign_id ORDER BY day))
        INSERT INTO kpi_daily_reach (client_id, day, campaign_id, since, called, contacted)
        SELECT client_id, day, campaign_id, since, sum(called), sum(contacted) FROM pairs
        GROUP BY 1, 2, 3, 4 HAVING sum(called) <> 0 OR sum(contacted) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (client_id, day, campaign_id, since) DO UPDATE SET called = kpi_daily_reach.called + excluded.called,
            contacted = kpi_daily_reach.contacted + excluded.contacted;
    ELSE
        -- only the calls whose lead, campaign, day or connection changed (not a status or a transcript)
        WITH changed AS (
            SELECT DISTINCT x.lead_id FROM old_rows o JOIN new_rows n ON n.id = o.id,
                LATERAL (VALUES (o.lead_id), (n.lead_id)) x(lead_id)
            WHERE x.lead_id IS NOT NULL
              AND (o.lead_id, o.campaign_id, o.created_at, call_connected(o.started_at, o.duration_seconds))
                  IS DISTINCT FROM (n.lead_id, n.campaign_id, n.created_at, call_connected(n.started_at, n.duration_seconds))),
        now_rows AS (SELECT k.* FROM call_logs k JOIN changed x ON x.lead_id = k.lead_id),
        before_rows AS (SELECT k.* FROM now_rows k WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = k.id)
                        UNION ALL
                        SELECT o.* FROM old_rows o JOIN changed x ON x.lead_id = o.lead_id),
        days AS (
            SELECT r.sign, r.client_id, r.lead_id, coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
                   (r.created_at AT TIME ZONE c.time_zone)::date AS day, call_connected(r.started_at, r.duration_seconds) AS connected
            FROM (SELECT 1 AS sign, k.client_id, k.lead_id, k.campaign_id, k.created_at, k.started_at, k.duration_seconds FROM now_rows k
                  UNION ALL
                  SELECT -1, k.client_id, k.lead_id, k.campaign_id, k.created_at, k.started_at, k.duration_seconds FROM before_rows k) r
            JOIN clients c ON c.id = r.client_id),
        pairs AS (
            -- each lead's distinct local call days in order: a day adds 1 at (day, the previous such day, or -infinity);
            -- connected calls make a second sequence of their own (the contacted leads); before's pairs subtract
            SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity') AS since, sign AS called, 0 AS contacted
            FROM (SELECT DISTINCT r.sign, r.client_id, r.lead_id, r.campaign_id, r.day FROM days r) d
            WINDOW w AS (PARTITION BY sign, client_id, lead_id, campaign_id ORDER BY day)
            UNION ALL
            SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity'), 0, sign
            FROM (SELECT DISTINCT r.sign, r.client_id, r.lead_id, r.campaign_id, r.day FROM days r WHERE r.connected) d
            WINDOW w AS (PARTITION BY sign, client_id, lead_id, campaign_id ORDER BY day))
        INSERT INTO kpi_daily_reach (client_id, day, campaign_id, since, called, contacted)
        SELECT client_id, day, campaign_id, since, sum(called), sum(contacted) FROM pairs
        GROUP BY 1, 2, 3, 4 HAVING sum(called) <> 0 OR sum(contacted) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (client_id, day, campaign_id, since) DO UPDATE SET called = kpi_daily_reach.called + excluded.called,
            contacted = kpi_daily_reach.contacted + excluded.contacted;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kpi_rebuild_reach(p_client uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    DELETE FROM kpi_daily_reach WHERE p_client IS NULL OR client_id = p_client;
    WITH days AS (
        SELECT DISTINCT r.client_id, r.lead_id, coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
               (r.created_at AT TIME ZONE c.time_zone)::date AS day, call_connected(r.started_at, r.duration_seconds) AS connected
        FROM call_logs r JOIN clients c ON c.id = r.client_id
        WHERE r.lead_id IS NOT NULL AND (p_client IS NULL OR r.client_id = p_client)),
    pairs AS (
        SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity') AS since, 1 AS called, 0 AS contacted
        FROM (SELECT DISTINCT client_id, lead_id, campaign_id, day FROM days) d
        WINDOW w AS (PARTITION BY client_id, lead_id, campaign_id ORDER BY day)
        UNION ALL
        SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity'), 0, 1
        FROM (SELECT DISTINCT client_id, lead_id, campaign_id, day FROM days WHERE connected) d
        WINDOW w AS (PARTITION BY client_id, lead_id, campaign_id ORDER BY day))
    INSERT INTO kpi_daily_reach (client_id, day, campaign_id, since, called, contacted)
    SELECT client_id, day, campaign_id, since, sum(called), sum(contacted) FROM pairs
    GROUP BY 1, 2, 3, 4 HAVING sum(called) <> 0 OR sum(contacted) <> 0;
    PERFORM set_config('app.agency', coalesce(previous, ''), true);
END $$;

CREATE OR REPLACE TRIGGER kpi_reach_insert AFTER INSERT ON call_logs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_reach_changes();
CREATE OR REPLACE TRIGGER kpi_reach_update AFTER UPDATE ON call_logs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_reach_changes();
CREATE OR REPLACE TRIGGER kpi_reach_delete AFTER DELETE ON call_logs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_reach_changes();

-- on (re)apply
SELECT kpi_rebuild_reach(NULL);
