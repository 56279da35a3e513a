-- Each campaign's leads by status (campaign_lead_counts), kept by statement triggers on leads: a campaign's counts are
-- read without counting its leads (the campaigns list, Campaign.leadCounts).

CREATE OR REPLACE FUNCTION leads_count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO campaign_lead_counts (campaign_id, status, client_id, count)
        SELECT campaign_id, status, client_id, count(*) FROM new_rows
        GROUP BY campaign_id, status, client_id ORDER BY campaign_id, status
        ON CONFLICT (campaign_id, status) DO UPDATE SET count = campaign_lead_counts.count + excluded.count;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE campaign_lead_counts c SET count = c.count - d.n
        FROM (SELECT campaign_id, status, count(*) AS n FROM old_rows GROUP BY campaign_id, status) d
        WHERE c.campaign_id = d.campaign_id AND c.status = d.status;
    ELSE
        INSERT INTO campaign_lead_counts (campaign_id, status, client_id, count)
        SELECT campaign_id, status, client_id, sum(n) FROM (
            SELECT campaign_id, status, client_id, -count(*) AS n FROM old_rows GROUP BY campaign_id, status, client_id
            UNION ALL
            SELECT campaign_id, status, client_id, count(*) FROM new_rows GROUP BY campaign_id, status, client_id) d
        GROUP BY campaign_id, status, client_id HAVING sum(n) <> 0 ORDER BY campaign_id, status
        ON CONFLICT (campaign_id, status) DO UPDATE SET count = campaign_lead_counts.count + excluded.count;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER leads_count_insert AFTER INSERT ON leads
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_count_changes();
CREATE OR REPLACE TRIGGER leads_count_update AFTER UPDATE ON leads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_count_changes();
CREATE OR REPLACE TRIGGER leads_count_delete AFTER DELETE ON leads
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_count_changes();

-- on (re)apply: recount
SELECT set_config('app.agency', 'on', true);
DELETE FROM campaign_lead_counts;
INSERT INTO campaign_lead_counts (campaign_id, status, client_id, count)
SELECT campaign_id, status, client_id, count(*) FROM leads GROUP BY 1, 2, 3;
SELECT set_config('app.agency', 'off', true);
