-- A manual message whose send was interrupted (the process died between recording it and the provider's answer) is
-- failed, never sent again: it may have gone out. Across tenants, as the agency for this one statement.
-- Uses ix_messages_interrupted_manual.
CREATE OR REPLACE FUNCTION app_fail_interrupted_messages(p_before timestamptz, p_now timestamptz, p_error text)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true); n integer;
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    UPDATE messages SET status = 'failed', error = p_error, updated_at = p_now
    WHERE kind = 'manual' AND direction = 'outbound' AND status = 'scheduled' AND provider_message_id IS NULL
      AND created_at < p_before;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
    RETURN n;
END $$;
