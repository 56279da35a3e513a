-- The clients whose previous local month is due to close at p_now (UsageInvoices.CloseAsync): unbilled, non-simulated
-- usage before the start of their current local month, and no usage invoice yet for the month before it. Across
-- tenants, as the agency for this one statement; ids only. Uses ix_usage_records_unbilled.
CREATE OR REPLACE FUNCTION app_clients_due_for_close(p_now timestamptz)
    RETURNS SETOF uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    RETURN QUERY
        SELECT c.id FROM clients c
        CROSS JOIN LATERAL (SELECT date_trunc('month', p_now AT TIME ZONE c.time_zone) AS local_month) m
        WHERE EXISTS (SELECT 1 FROM usage_records u
                      WHERE u.client_id = c.id AND u.invoice_id IS NULL AND NOT u.simulated
                        AND u.occurred_at < (m.local_month AT TIME ZONE c.time_zone))
          AND NOT EXISTS (SELECT 1 FROM invoices i
                          WHERE i.client_id = c.id AND i.kind = 'usage' AND i.period = to_char(m.local_month - interval '1 month', 'YYYY-MM'));
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
END $$;

-- The invoices still to be made in Stripe (InvoiceIssuer), oldest first: not simulated, not sent yet, not given up,
-- not voided. Across tenants, as the agency for this one statement. Uses ix_invoices_to_issue.
CREATE OR REPLACE FUNCTION app_invoices_to_issue(p_limit int)
    RETURNS TABLE (client_id uuid, invoice_id uuid)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE previous text := current_setting('app.agency', true);
BEGIN
    PERFORM set_config('app.agency', 'on', true);
    RETURN QUERY
        SELECT i.client_id, i.id FROM invoices i
        WHERE NOT i.simulated AND i.stripe_step <> 'sent' AND i.issue_failed_at IS NULL AND i.voided_at IS NULL
        ORDER BY i.created_at LIMIT p_limit;
    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
END $$;
