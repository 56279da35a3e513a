-- The clients with appointments still booked whose end is at or before p_cutoff (48 hours ago): the 48-hour
-- verification sweep visits each in its own tenant scope (AppointmentVerification.VerifyDueAsync). Across tenants, as
-- the agency for this one statement; ids only. Uses the (status, ends_at) index.
CREATE OR REPLACE FUNCTION app_clients_with_due_verifications(p_cutoff timestamptz)
    RETURNS SETOF uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    RETURN QUERY SELECT DISTINCT a.client_id FROM appointments a WHERE a.status = 'booked' AND a.ends_at <= p_cutoff;
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
END $$;
