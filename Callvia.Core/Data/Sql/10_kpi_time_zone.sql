-- The rollups keep local days of the client's time zone: a change of time zone rebuilds them.
CREATE OR REPLACE FUNCTION kpi_client_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM kpi_rebuild(NEW.id);
    PERFORM kpi_rebuild_appointments(NEW.id);
    PERFORM kpi_rebuild_reach(NEW.id);
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER kpi_client_time_zone AFTER UPDATE OF time_zone ON clients
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION kpi_client_time_zone_changed();

-- A KPI range [p_from, p_to) over the daily rollups: the client's whole local days inside it (day_from inclusive,
-- day_to exclusive; NULL = open), and the partial days at its ends, [a_from, a_to) and [b_from, b_to), which the KPIs
-- read from the rows themselves. The ends never overlap and never leave the range.
CREATE OR REPLACE FUNCTION kpi_bounds(p_client uuid, p_from timestamptz, p_to timestamptz,
    OUT tz text, OUT day_from date, OUT day_to date,
    OUT a_from timestamptz, OUT a_to timestamptz, OUT b_from timestamptz, OUT b_to timestamptz)
    LANGUAGE sql STABLE AS $$
    SELECT z.tz, z.day_from, z.day_to, p_from, z.a_to, greatest((z.day_to::timestamp AT TIME ZONE z.tz), z.a_to), p_to
    FROM (SELECT y.*, CASE WHEN p_from IS NOT NULL THEN least((y.day_from::timestamp AT TIME ZONE y.tz), p_to) END AS a_to
          FROM (SELECT c.time_zone AS tz,
                       CASE WHEN (p_from AT TIME ZONE c.time_zone) = date_trunc('day', p_from AT TIME ZONE c.time_zone)
                            THEN (p_from AT TIME ZONE c.time_zone)::date
                            ELSE (p_from AT TIME ZONE c.time_zone)::date + 1 END AS day_from,
                       (p_to AT TIME ZONE c.time_zone)::date AS day_to
                FROM clients c WHERE c.id = p_client) y) z
$$;
