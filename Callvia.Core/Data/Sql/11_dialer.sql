-- The dialer (Dialer/DialerService in Callvia.Jobs, rules in Callvia.Core/Dialer).

-- platform_settings: the agency's alone (the platform-wide kill switch lives here); the dialer reads it below.
ALTER TABLE platform_settings ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS agency_only ON platform_settings;
CREATE POLICY agency_only ON platform_settings USING ((SELECT app_is_agency())) WITH CHECK ((SELECT app_is_agency()));

-- The clients the dialer has work for, across tenants, as the agency for this one statement:
--  due:     an active client, its kill switch off and no backoff, with an active campaign holding a lead due now
--           (ix_leads_dial_due) — none at all while the platform-wide switch is on. The campaign's earliest dial_at, not
--           EXISTS: for "any due lead" the planner chose a scan of the table, which at a million leads, the first pages
--           already called or moved to their window, took 1.6 s (bench/dialer.sh); min() reads the index's first entry;
--  expired: a client with a call slot whose lease has passed (ix_dial_attempts_active), to reclaim it, switches or not.
CREATE OR REPLACE FUNCTION app_dialer_clients(p_now timestamptz)
    RETURNS TABLE (client_id uuid, due boolean, expired boolean)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true); stopped boolean;
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    stopped := EXISTS (SELECT 1 FROM platform_settings s WHERE s.key = 'dialer.stopped');
    RETURN QUERY
    SELECT x.id, x.d, x.e FROM (
    SELECT c.id,
           NOT stopped AND c.status = 'active' AND c.dialer_stopped_at IS NULL
               AND (c.dialer_backoff_until IS NULL OR c.dialer_backoff_until <= p_now)
               AND EXISTS (SELECT 1 FROM campaigns k WHERE k.client_id = c.id AND k.status = 'active'
                               AND (SELECT min(l.dial_at) FROM leads l WHERE l.campaign_id = k.id AND l.dial_at IS NOT NULL) <= p_now) AS d,
           EXISTS (SELECT 1 FROM dial_attempts a WHERE a.client_id = c.id
                       AND a.state IN ('dialing', 'placed', 'unconfirmed') AND a.lease_until <= p_now) AS e
    FROM clients c) x
    WHERE x.d OR x.e;
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
END $$;

-- Whether the platform-wide kill switch is on, for any session (the campaign's dialer state shows it; the reason stays the agency's).
CREATE OR REPLACE FUNCTION app_dialer_platform_stopped() RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true); stopped boolean;
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    stopped := EXISTS (SELECT 1 FROM platform_settings WHERE key = 'dialer.stopped');
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
    RETURN stopped;
END $$;

-- A call's slot is free as soon as Retell's report of its end is stored (call_ended, or call_analyzed if that came
-- first): Retell's concurrency counts the call as over then (the claim counts so: Dialer/DialerClaims.SlotsHeldSql),
-- and the insert wakes the dialer at once.

-- The wake-up: a notification on channel callvia_dialer carrying the client's id (one per client and transaction:
-- PostgreSQL folds equal notifications), which every jobs instance's dialer listens to (Jobs/Dialer/DialerWakeup).
CREATE OR REPLACE FUNCTION app_events_wake_dialer() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('callvia_dialer', NEW.client_id::text);
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS events_wake_dialer ON events;
CREATE TRIGGER events_wake_dialer AFTER INSERT ON events FOR EACH ROW
    WHEN (NEW.provider = 'retell' AND NEW.event_type IN ('call_ended', 'call_analyzed') AND NEW.client_id IS NOT NULL)
    EXECUTE FUNCTION app_events_wake_dialer();
