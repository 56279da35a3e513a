-- The webhook inbox's cross-tenant reads. events is under FORCEd row-level security, which binds the owner too: each
-- function looks as the agency for its one statement and puts the caller's setting back.

-- The dispatcher: claim up to p_limit received events of the given providers (oldest first), skipping rows another
-- instance holds. Uses ix_events_pending.
CREATE OR REPLACE FUNCTION app_claim_events(p_providers text[], p_limit integer)
    RETURNS TABLE (id uuid, client_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    RETURN QUERY UPDATE events e SET status = 'processing'
        WHERE e.id IN (SELECT x.id FROM events x
                       WHERE x.status = 'received' AND x.client_id IS NOT NULL AND x.provider = ANY (p_providers)
                       ORDER BY x.received_at LIMIT p_limit FOR UPDATE SKIP LOCKED)
        RETURNING e.id, e.client_id;
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
END $$;

-- The sweep: events received or claimed longer ago than p_older_than (a job lost, a dispatcher that died).
CREATE OR REPLACE FUNCTION app_pending_events(p_older_than interval, p_providers text[], p_limit integer)
    RETURNS TABLE (id uuid, client_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    RETURN QUERY SELECT e.id, e.client_id FROM events e
        WHERE e.status IN ('received', 'processing') AND e.client_id IS NOT NULL AND e.provider = ANY (p_providers)
          AND e.received_at < now() - p_older_than
        ORDER BY e.received_at LIMIT p_limit;
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
END $$;

-- The health check: failed events, and events not processed within p_stuck_after. Uses ix_events_failed / _pending.
CREATE OR REPLACE FUNCTION app_event_health(p_stuck_after interval)
    RETURNS TABLE (failed bigint, stuck bigint)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    RETURN QUERY SELECT
        (SELECT count(*) FROM events e WHERE e.status = 'failed'),
        (SELECT count(*) FROM events e WHERE e.status IN ('received', 'processing') AND e.received_at < now() - p_stuck_after);
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
END $$;
