using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Npgsql;

namespace Callvia.Core.Kpis;

/// <summary>A date range, half-open [From, To); null ends are open. Optionally one campaign.</summary>
public sealed record KpiRange(DateTimeOffset? From, DateTimeOffset? To, Guid? CampaignId);

public sealed record DayCount(DateOnly Day, int Count);

public sealed record StatusCount(string Status, int Count);

/// <summary>The dashboard's numbers for a range. Rates are null when their denominator is zero.</summary>
public sealed record KpiSnapshot(
    KpiRange Range,
    int Leads,
    int Calls,
    int CalledLeads,
    int ContactedLeads,
    int AppointmentsBooked,
    int AppointmentsShown,
    int AppointmentsVerified,
    decimal UsageCost,
    string Currency,
    IReadOnlyList<DayCount> CallsByDay,
    IReadOnlyList<StatusCount> LeadsByStatus)
{
    /// <summary>Contacted leads / called leads.</summary>
    public double ContactRate => CalledLeads == 0 ? 0 : (double)ContactedLeads / CalledLeads;
    /// <summary>Shown / verified (shown or no-show).</summary>
    public double ShowRate => AppointmentsVerified == 0 ? 0 : (double)AppointmentsShown / AppointmentsVerified;
    /// <summary>Usage cost per shown appointment, to the cent; null with no shown appointment.</summary>
    public decimal? CostPerShow => AppointmentsShown == 0 ? null : Math.Round(UsageCost / AppointmentsShown, 2, MidpointRounding.ToEven);
}

/// <summary>
/// The one place the KPI rules live (the GraphQL query, the live subscription and the portal all use it):
/// <list type="bullet">
/// <item>leads: leads created in the range;</item>
/// <item>calls: call logs created in the range; called leads: distinct leads of those calls; contacted leads: of
/// those, the leads of calls that connected (a call connected when it started or lasted a second);</item>
/// <item>appointments booked: bookings made in the range, a reschedule not counted again (it moves a booking);</item>
/// <item>shown / verified: appointments starting in the range marked shown / shown or no-show;</item>
/// <item>usage cost: the usage records of calls that happened in the range, in the client's currency, unrounded
/// (invoices round once, at the end);</item>
/// <item>calls by day: in the client's time zone; leads by status: the leads created in the range.</item>
/// </list>
/// A campaign filter applies to each. Runs in the caller's tenant: row-level security and the tenant's
/// client id keep every number to that client.
/// </summary>
public sealed class KpiService(NpgsqlDataSource dataSource, TenantContext tenant)
{
    public async Task<KpiSnapshot> GetAsync(KpiRange range, CancellationToken ct)
    {
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("KPIs are a client's.");
        await using var conn = await TenantSession.OpenConnectionAsync(dataSource, tenant, ct);
        await using var batch = new NpgsqlBatch(conn);
        // Whole days come from the daily rollups (kpi_daily_leads, kpi_daily_calls, kpi_daily_appointments: kept by triggers in the same
        // transactions as the rows, in the client's time zone); the partial days at the range's ends come from the rows
        // (kpi_bounds says which). All time, the leads by status are campaign_lead_counts and the called / contacted
        // leads kpi_campaign_reach (both trigger-kept too). Only the called / contacted leads of a bounded range read
        // the range's calls (distinct leads do not add up across days). The leads are the sum of the leads by status.
        var allTime = range.From is null && range.To is null;
        // $1 client, $2 from, $3 to, $4 campaign
        Add(batch, allTime
            ? """
              SELECT coalesce(sum(r.called_leads), 0)::int, coalesce(sum(r.contacted_leads), 0)::int
              FROM kpi_campaign_reach r
              WHERE r.client_id = $1 AND ($4::uuid IS NULL OR r.campaign_id = $4)
              """
            : """
              SELECT count(*)::int, count(*) FILTER (WHERE x.connected)::int
              FROM (SELECT c.lead_id, bool_or(c.started_at IS NOT NULL OR c.duration_seconds > 0) AS connected
                    FROM call_logs c
                    WHERE c.client_id = $1 AND ($4::uuid IS NULL OR c.campaign_id = $4) AND c.lead_id IS NOT NULL
                      AND ($2::timestamptz IS NULL OR c.created_at >= $2) AND ($3::timestamptz IS NULL OR c.created_at < $3)
                    GROUP BY c.lead_id) x
              """, clientId, range);
        Add(batch, """
            SELECT coalesce(sum(d.booked), 0)::int, coalesce(sum(d.shown), 0)::int, coalesce(sum(d.verified), 0)::int
            FROM (SELECT k.booked, k.shown, k.verified
                  FROM kpi_daily_appointments k, kpi_bounds($1, $2, $3) b
                  WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4)
                    AND (b.day_from IS NULL OR k.day >= b.day_from) AND (b.day_to IS NULL OR k.day < b.day_to)
                  UNION ALL
                  SELECT count(*) FILTER (WHERE a.rescheduled_from_uid IS NULL), 0, 0
                  FROM appointments a, kpi_bounds($1, $2, $3) b
                  WHERE a.client_id = $1 AND ($4::uuid IS NULL OR a.campaign_id = $4)
                    AND ((a.created_at >= b.a_from AND a.created_at < b.a_to) OR (a.created_at >= b.b_from AND a.created_at < b.b_to))
                  UNION ALL
                  SELECT 0, count(*) FILTER (WHERE a.status = 'shown'), count(*) FILTER (WHERE a.status IN ('shown', 'no_show'))
                  FROM appointments a, kpi_bounds($1, $2, $3) b
                  WHERE a.client_id = $1 AND ($4::uuid IS NULL OR a.campaign_id = $4)
                    AND ((a.starts_at >= b.a_from AND a.starts_at < b.a_to) OR (a.starts_at >= b.b_from AND a.starts_at < b.b_to))) d
            """, clientId, range);
        Add(batch, """
            SELECT coalesce(sum(d.cost), 0), (SELECT currency FROM clients WHERE id = $1)
            FROM (SELECT sum(k.usage_cost) AS cost
                  FROM kpi_daily_calls k, kpi_bounds($1, $2, $3) b
                  WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4)
                    AND (b.day_from IS NULL OR k.day >= b.day_from) AND (b.day_to IS NULL OR k.day < b.day_to)
                  UNION ALL
                  SELECT sum(u.cost)
                  FROM usage_records u, kpi_bounds($1, $2, $3) b
                  WHERE u.client_id = $1
                    AND ((u.occurred_at >= b.a_from AND u.occurred_at < b.a_to) OR (u.occurred_at >= b.b_from AND u.occurred_at < b.b_to))
                    AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM call_logs c WHERE c.client_id = $1 AND c.id = u.call_log_id AND c.campaign_id = $4))) d
            """, clientId, range);
        Add(batch, """
            SELECT d.day, sum(d.n)::int
            FROM (SELECT k.day, k.calls AS n
                  FROM kpi_daily_calls k, kpi_bounds($1, $2, $3) b
                  WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4) AND k.calls <> 0
                    AND (b.day_from IS NULL OR k.day >= b.day_from) AND (b.day_to IS NULL OR k.day < b.day_to)
                  UNION ALL
                  SELECT (c.created_at AT TIME ZONE b.tz)::date, count(*)
                  FROM call_logs c, kpi_bounds($1, $2, $3) b
                  WHERE c.client_id = $1 AND ($4::uuid IS NULL OR c.campaign_id = $4)
                    AND ((c.created_at >= b.a_from AND c.created_at < b.a_to) OR (c.created_at >= b.b_from AND c.created_at < b.b_to))
                  GROUP BY 1) d
            GROUP BY 1 HAVING sum(d.n) <> 0 ORDER BY 1
            """, clientId, range);
        Add(batch, allTime
            ? """
              SELECT n.status::text, sum(n.count)::int
              FROM campaign_lead_counts n
              WHERE n.client_id = $1 AND ($4::uuid IS NULL OR n.campaign_id = $4)
              GROUP BY 1 HAVING sum(n.count) > 0 ORDER BY 1
              """
            : """
              SELECT d.status, sum(d.n)::int
              FROM (SELECT k.status::text AS status, k.count AS n
                    FROM kpi_daily_leads k, kpi_bounds($1, $2, $3) b
                    WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4)
                      AND (b.day_from IS NULL OR k.day >= b.day_from) AND (b.day_to IS NULL OR k.day < b.day_to)
                    UNION ALL
                    SELECT l.status::text, count(*)
                    FROM leads l, kpi_bounds($1, $2, $3) b
                    WHERE l.client_id = $1 AND ($4::uuid IS NULL OR l.campaign_id = $4)
                      AND ((l.created_at >= b.a_from AND l.created_at < b.a_to) OR (l.created_at >= b.b_from AND l.created_at < b.b_to))
                    GROUP BY 1) d
              GROUP BY 1 HAVING sum(d.n) <> 0 ORDER BY 1
              """, clientId, range);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (called, contacted) = (reader.GetInt32(0), reader.GetInt32(1));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var (booked, shown, verified) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var (cost, currency) = (reader.GetDecimal(0), reader.GetString(1));
        await reader.NextResultAsync(ct);
        var byDay = new List<DayCount>();
        while (await reader.ReadAsync(ct)) byDay.Add(new DayCount(DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetInt32(1)));
        await reader.NextResultAsync(ct);
        var byStatus = new List<StatusCount>();
        while (await reader.ReadAsync(ct)) byStatus.Add(new StatusCount(reader.GetString(0), reader.GetInt32(1)));
        var leads = byStatus.Sum(s => s.Count);
        var calls = byDay.Sum(d => d.Count);
        return new KpiSnapshot(range, leads, calls, called, contacted, booked, shown, verified, cost, currency, byDay, byStatus);
    }

    private static void Add(NpgsqlBatch batch, string sql, Guid clientId, KpiRange range)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)range.From ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)range.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)range.CampaignId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        batch.BatchCommands.Add(command);
    }
}
