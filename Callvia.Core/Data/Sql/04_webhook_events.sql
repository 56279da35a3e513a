-- The webhook inbox's cross-tenant reads. events is under FORCEd row-level security, which binds the owner too: each
-- function looks as the agency for its one statement and puts the caller's setting back.

-- The dispatcher: claim up to p_limit received events of the given providers (oldest first), skipping rows another
-- instance holds. Reads ix_events_received in order, as a plain index scan: the index keeps an entry for every event
-- claimed since the last vacuum (a claim moves the row out of the index's predicate), and only a plain scan marks the
-- dead ones so the next scan skips them. The planner, on a table whose statistics lag its churn, took a bitmap scan
-- ANDed with the provider index instead, which walks them all every time (measured under the dialer benchmark: 11,062
-- entries and 28,023 provider entries for 18 rows, 14.9 ms a claim); bitmap scans are off for this one statement.
CREATE OR REPLACE FUNCTION app_claim_events(p_providers text[], p_limit integer)
    RETURNS TABLE (id uuid, client_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET enable_bitmapscan = off
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

-- A webhook batch's events (WebhookEventProcessor.ProcessBatchAsync), in the caller's tenant (row-level security
-- applies): the events it was given and the client's others dispatched to a job still queued, locked, oldest first.
-- Plain index scans only, as in app_claim_events: the 'processing' entries of ix_events_status_received_at and
-- ix_events_client_id_received_at are mostly dead between vacuums, and the bitmap scan ANDing the two that the
-- planner took walked all of them every batch (measured under the dialer benchmark: 32,869 and 11,447 entries for
-- 242 rows, 22 ms).
CREATE OR REPLACE FUNCTION app_event_batch(p_ids uuid[], p_client uuid, p_providers text[], p_limit integer)
    RETURNS SETOF events
    LANGUAGE sql VOLATILE SET search_path = public, pg_temp SET enable_bitmapscan = off
    AS $$
    SELECT * FROM events
    WHERE id IN (SELECT id FROM events WHERE id = ANY (p_ids)
                 UNION SELECT id FROM events WHERE status = 'processing' AND client_id = p_client AND provider = ANY (p_providers))
      AND status NOT IN ('processed', 'ignored', 'failed')
    ORDER BY received_at, id LIMIT p_limit FOR UPDATE SKIP LOCKED
$$;

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
