-- A message whose send was interrupted is failed, never sent again: it may have gone out. A manual one was stored and
-- handed over in one request (still scheduled without a provider id long after: the process died in between); a
-- scheduled one (a reminder, a check-in, a rebook step) was taken by a jobs-service instance (claimed_at) whose answer
-- never came. Across tenants, as the agency for this one statement. Uses ix_messages_interrupted_manual and
-- ix_messages_claimed.
CREATE OR REPLACE FUNCTION app_fail_interrupted_messages(p_before timestamptz, p_now timestamptz, p_error text)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true); n integer; m integer;
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    UPDATE messages SET status = 'failed', error = p_error, updated_at = p_now
    WHERE kind = 'manual' AND direction = 'outbound' AND status = 'scheduled' AND provider_message_id IS NULL
      AND created_at < p_before;
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE messages SET status = 'failed', error = p_error, updated_at = p_now
    WHERE status = 'scheduled' AND claimed_at IS NOT NULL AND claimed_at < p_before;
    GET DIAGNOSTICS m = ROW_COUNT;
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
    RETURN n + m;
END $$;

-- The sender: take up to p_limit scheduled messages due by p_now that no instance has taken, oldest due first,
-- then by client (a batch of messages due at the same moment holds few clients, so each is sent in larger batches),
-- skipping rows another instance is taking. Taking is the claim: a taken message is never taken again (at most once,
-- also across instances and after a crash: app_fail_interrupted_messages ends it). A plain index scan of ix_messages_due
-- (bitmap scans off), as in app_claim_events: the index keeps the entries of taken messages until a vacuum, and only a
-- plain scan marks them to be skipped.
CREATE OR REPLACE FUNCTION app_claim_due_messages(p_now timestamptz, p_limit integer)
    RETURNS TABLE (id uuid, client_id uuid)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET enable_bitmapscan = off
    AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    RETURN QUERY UPDATE messages m SET claimed_at = p_now
        WHERE m.id IN (SELECT x.id FROM messages x
                       WHERE x.status = 'scheduled' AND x.claimed_at IS NULL AND x.scheduled_for IS NOT NULL
                         AND x.scheduled_for <= p_now
                       ORDER BY x.scheduled_for, x.client_id LIMIT p_limit FOR UPDATE SKIP LOCKED)
        RETURNING m.id, m.client_id;
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
END $$;
