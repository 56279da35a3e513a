-- KPI rollup of appointments (kpi_daily_appointments): bookings by the local day they were made (a reschedule is not
-- a new booking), outcomes (shown, verified = shown or no-show) by the local day the appointment starts.
-- The INSERT / DELETE / UPDATE branches repeat one statement over different transition tables: a PL/pgSQL statement
-- can only name the transition tables its trigger has, so the shared part cannot be factored out without dynamic SQL
-- (planned on every call) or copying the rows into arrays (a second copy of every changed row).

CREATE OR REPLACE FUNCTION kpi_appointments_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO kpi_daily_appointments (client_id, day, campaign_id, booked, shown, verified)
        SELECT client_id, day, campaign_id, sum(booked), sum(shown), sum(verified) FROM (
            SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
                   (r.rescheduled_from_uid IS NULL)::int AS booked, 0 AS shown, 0 AS verified
            FROM new_rows r JOIN clients c ON c.id = r.client_id
            UNION ALL
            SELECT r.client_id, (r.starts_at AT TIME ZONE c.time_zone)::date,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'),
                   0, (r.status = 'shown')::int, (r.status IN ('shown', 'no_show'))::int
            FROM new_rows r JOIN clients c ON c.id = r.client_id) d
        GROUP BY 1, 2, 3 HAVING sum(booked) <> 0 OR sum(shown) <> 0 OR sum(verified) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET booked = kpi_daily_appointments.booked + excluded.booked,
            shown = kpi_daily_appointments.shown + excluded.shown, verified = kpi_daily_appointments.verified + excluded.verified;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO kpi_daily_appointments (client_id, day, campaign_id, booked, shown, verified)
        SELECT client_id, day, campaign_id, sum(booked), sum(shown), sum(verified) FROM (
            SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
                   -(r.rescheduled_from_uid IS NULL)::int AS booked, 0 AS shown, 0 AS verified
            FROM old_rows r JOIN clients c ON c.id = r.client_id
            UNION ALL
            SELECT r.client_id, (r.starts_at AT TIME ZONE c.time_zone)::date,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'),
                   0, -(r.status = 'shown')::int, -(r.status IN ('shown', 'no_show'))::int
            FROM old_rows r JOIN clients c ON c.id = r.client_id) d
        GROUP BY 1, 2, 3 HAVING sum(booked) <> 0 OR sum(shown) <> 0 OR sum(verified) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET booked = kpi_daily_appointments.booked + excluded.booked,
            shown = kpi_daily_appointments.shown + excluded.shown, verified = kpi_daily_appointments.verified + excluded.verified;
    ELSE
        INSERT INTO kpi_daily_appointments (client_id, day, campaign_id, booked, shown, verified)
        SELECT client_id, day, campaign_id, sum(booked), sum(shown), sum(verified) FROM (
            SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
                   -(r.rescheduled_from_uid IS NULL)::int AS booked, 0 AS shown, 0 AS verified
            FROM old_rows r JOIN clients c ON c.id = r.client_id
            UNION ALL
            SELECT r.client_id, (r.starts_at AT TIME ZONE c.time_zone)::date,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'),
                   0, -(r.status = 'shown')::int, -(r.status IN ('shown', 'no_show'))::int
            FROM old_rows r JOIN clients c ON c.id = r.client_id
            UNION ALL
            SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'),
                   (r.rescheduled_from_uid IS NULL)::int, 0, 0
            FROM new_rows r JOIN clients c ON c.id = r.client_id
            UNION ALL
            SELECT r.client_id, (r.starts_at AT TIME ZONE c.time_zone)::date,
                   coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'),
                   0, (r.status = 'shown')::int, (r.status IN ('shown', 'no_show'))::int
            FROM new_rows r JOIN clients c ON c.id = r.client_id) d
        GROUP BY 1, 2, 3 HAVING sum(booked) <> 0 OR sum(shown) <> 0 OR sum(verified) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET booked = kpi_daily_appointments.booked + excluded.booked,
            shown = kpi_daily_appointments.shown + excluded.shown, verified = kpi_daily_appointments.verified + excluded.verified;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kpi_rebuild_appointments(p_client uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    DELETE FROM kpi_daily_appointments WHERE p_client IS NULL OR client_id = p_client;
    INSERT INTO kpi_daily_appointments (client_id, day, campaign_id, booked, shown, verified)
    SELECT client_id, day, campaign_id, sum(booked), sum(shown), sum(verified) FROM (
        SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day,
               coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
               (r.rescheduled_from_uid IS NULL)::int AS booked, 0 AS shown, 0 AS verified
        FROM appointments r JOIN clients c ON c.id = r.client_id
        WHERE p_client IS NULL OR r.client_id = p_client
        UNION ALL
        SELECT r.client_id, (r.starts_at AT TIME ZONE c.time_zone)::date,
               coalesce(r.campaign_id, '00000000-0000-0000-0000-000000000000'),
               0, (r.status = 'shown')::int, (r.status IN ('shown', 'no_show'))::int
        FROM appointments r JOIN clients c ON c.id = r.client_id
        WHERE p_client IS NULL OR r.client_id = p_client) d
    GROUP BY 1, 2, 3 HAVING sum(booked) <> 0 OR sum(shown) <> 0 OR sum(verified) <> 0;
    PERFORM set_config('app.agency', coalesce(previous, ''), true);
END $$;

CREATE OR REPLACE TRIGGER kpi_appointments_insert AFTER INSERT ON appointments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_appointments_changes();
CREATE OR REPLACE TRIGGER kpi_appointments_update AFTER UPDATE ON appointments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_appointments_changes();
CREATE OR REPLACE TRIGGER kpi_appointments_delete AFTER DELETE ON appointments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_appointments_changes();

-- on (re)apply
SELECT kpi_rebuild_appointments(NULL);
