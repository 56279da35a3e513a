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

-- Usage records carry their call's campaign (UsageRecord.CampaignId): the month close's lines per campaign come from
-- the usage alone, without a look-up of each call (bench/billing.sh). The call is the one source: the campaign is
-- taken from it when the usage is recorded (or pointed at another call), whatever the writer sent, and follows it
-- when the call's campaign changes (a lead linked after the call ended).
CREATE OR REPLACE FUNCTION usage_campaign_from_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.campaign_id := (SELECT k.campaign_id FROM call_logs k WHERE k.client_id = NEW.client_id AND k.id = NEW.call_log_id);
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER usage_campaign_from_call BEFORE INSERT OR UPDATE OF call_log_id, campaign_id ON usage_records
    FOR EACH ROW EXECUTE FUNCTION usage_campaign_from_call();

-- (per row, and only for a call whose campaign changed: the webhook batches' updates of calls pay nothing for it)
CREATE OR REPLACE FUNCTION usage_campaign_follows_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE usage_records u SET campaign_id = NEW.campaign_id WHERE u.client_id = NEW.client_id AND u.call_log_id = NEW.id;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS usage_campaign_follows_call ON call_logs;
CREATE TRIGGER usage_campaign_follows_call AFTER UPDATE OF campaign_id ON call_logs
    FOR EACH ROW WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id) EXECUTE FUNCTION usage_campaign_follows_call();

-- Billed usage names an invoice of its own client (UsageRecord.InvoiceId), checked once per statement over the rows it
-- wrote: the month close marks a client's month in one statement, where a foreign key would look the invoice up once
-- per row (bench/billing.sh). And invoices are never deleted (a wrong one is voided or credited, InvoiceActions), so
-- what usage and milestones name stays.
CREATE OR REPLACE FUNCTION usage_invoice_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT client_id, invoice_id FROM new_rows WHERE invoice_id IS NOT NULL) n
               WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.client_id = n.client_id AND i.id = n.invoice_id)) THEN
        RAISE EXCEPTION 'usage billed on an invoice that is not its client''s' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER usage_invoice_exists_insert AFTER INSERT ON usage_records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_invoice_exists();
CREATE OR REPLACE TRIGGER usage_invoice_exists_update AFTER UPDATE ON usage_records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_invoice_exists();

CREATE OR REPLACE FUNCTION invoices_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoices are never deleted: void or credit invoice %', OLD.id USING ERRCODE = 'restrict_violation';
END $$;
CREATE OR REPLACE TRIGGER invoices_are_kept BEFORE DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_are_kept();
