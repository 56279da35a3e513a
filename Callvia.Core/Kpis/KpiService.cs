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
/// client id keep every number to that client; several clients at once (the agency's list) need the agency scope.
/// </summary>
public sealed class KpiService(NpgsqlDataSource dataSource, TenantContext tenant)
{
    /// <summary>The current tenant's KPIs.</summary>
    public async Task<KpiSnapshot> GetAsync(KpiRange range, CancellationToken ct)
    {
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("KPIs are a client's.");
        return (await GetManyAsync([clientId], range, ct))[clientId];
    }

    /// <summary>
    /// The KPIs of several clients in one round trip (the agency's client list): the same statements, per client.
    /// In a tenant scope only that client has rows; across clients it needs the agency scope (<see cref="AgencyAccess"/>).
    /// Every requested client gets a snapshot (zeros when it has nothing, or is not visible).
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, KpiSnapshot>> GetManyAsync(IReadOnlyCollection<Guid> clientIds, KpiRange range, CancellationToken ct)
    {
        var ids = clientIds.Distinct().ToArray();
        if (ids.Length == 0) return new Dictionary<Guid, KpiSnapshot>();
        if (!tenant.IsAgency && (tenant.ClientId is not { } own || ids.Any(id => id != own)))
            throw new InvalidOperationException("Other clients' KPIs need the agency scope.");
        // Two connections, two round trips at once: the called / contacted leads of a bounded range (the one statement
        // whose cost grows with the range's calls) run beside the rollup statements, not before them.
        await using var reachConn = await TenantSession.OpenConnectionAsync(dataSource, tenant, ct);
        await using var conn = await TenantSession.OpenConnectionAsync(dataSource, tenant, ct);
        await using var reachBatch = new NpgsqlBatch(reachConn);
        await using var batch = new NpgsqlBatch(conn);
        // Whole days come from the daily rollups (kpi_daily_leads, kpi_daily_calls, kpi_daily_appointments: kept by
        // triggers in the same transactions as the rows, in the client's time zone); the partial days at the range's ends
        // come from the rows (kpi_bounds says which). All time, the leads by status are campaign_lead_counts and the
        // called / contacted leads kpi_campaign_reach (both trigger-kept too). Only the called / contacted leads of a
        // bounded range read the range's calls (distinct leads do not add up across days). The leads are the sum of the
        // leads by status, the calls the sum of the calls by day. Each statement runs once per client (cl.id).
        var allTime = range.From is null && range.To is null;
        // $1 clients, $2 from, $3 to, $4 campaign
        Add(reachBatch, PerClient(allTime
            ? """
              SELECT coalesce(sum(r.called_leads), 0)::int, coalesce(sum(r.contacted_leads), 0)::int
              FROM kpi_campaign_reach r
              WHERE r.client_id = cl.id AND ($4::uuid IS NULL OR r.campaign_id = $4)
              """
            : """
              SELECT count(*)::int, count(*) FILTER (WHERE x.connected)::int
              FROM (SELECT c.lead_id, bool_or(c.started_at IS NOT NULL OR c.duration_seconds > 0) AS connected
                    FROM call_logs c
                    WHERE c.client_id = cl.id AND ($4::uuid IS NULL OR c.campaign_id = $4) AND c.lead_id IS NOT NULL
                      AND ($2::timestamptz IS NULL OR c.created_at >= $2) AND ($3::timestamptz IS NULL OR c.created_at < $3)
                    GROUP BY c.lead_id) x
              """), ids, range);
        Add(batch, PerClient("""
            SELECT coalesce(sum(d.booked), 0)::int, coalesce(sum(d.shown), 0)::int, coalesce(sum(d.verified), 0)::int
            FROM (SELECT k.booked, k.shown, k.verified
                  FROM kpi_daily_appointments k, kpi_bounds(cl.id, $2, $3) b
                  WHERE k.client_id = cl.id AND ($4::uuid IS NULL OR k.campaign_id = $4)
                    AND (b.day_from IS NULL OR k.day >= b.day_from) AND (b.day_to IS NULL OR k.day < b.day_to)
                  UNION ALL
                  SELECT count(*) FILTER (WHERE a.rescheduled_from_uid IS NULL), 0, 0
                  FROM appointments a, kpi_bounds(cl.id, $2, $3) b
                  WHERE a.client_id = cl.id AND ($4::uuid IS NULL OR a.campaign_id = $4)
                    AND ((a.created_at >= b.a_from AND a.created_at < b.a_to) OR (a.created_at >= b.b_from AND a.created_at < b.b_to))
                  UNION ALL
                  SELECT 0, count(*) FILTER (WHERE a.status = 'shown'), count(*) FILTER (WHERE a.status IN ('shown', 'no_show'))
                  FROM appointments a, kpi_bounds(cl.id, $2, $3) b
                  WHERE a.client_id = cl.id AND ($4::uuid IS NULL OR a.campaign_id = $4)
                    AND ((a.starts_at >= b.a_from AND a.starts_at < b.a_to) OR (a.starts_at >= b.b_from AND a.starts_at < b.b_to))) d
            """), ids, range);
        Add(batch, PerClient("""
            SELECT cl.currency, coalesce(sum(d.cost), 0)
            FROM (SELECT sum(k.usage_cost) AS cost
                  FROM kpi_daily_calls k, kpi_bounds(cl.id, $2, $3) b
                  WHERE k.client_id = cl.id AND ($4::uuid IS NULL OR k.campaign_id = $4)
                    AND (b.day_from IS NULL OR k.day >= b.day_from) AND (b.day_to IS NULL OR k.day < b.day_to)
                  UNION ALL
                  SELECT sum(u.cost)
                  FROM usage_records u, kpi_bounds(cl.id, $2, $3) b
                  WHERE u.client_id = cl.id
                    AND ((u.occurred_at >= b.a_from AND u.occurred_at < b.a_to) OR (u.occurred_at >= b.b_from AND u.occurred_at < b.b_to))
                    AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM call_logs c WHERE c.client_id = cl.id AND c.id = u.call_log_id AND c.campaign_id = $4))) d
            """), ids, range);
        Add(batch, PerClient("""
            SELECT d.day, sum(d.n)::int
            FROM (SELECT k.day, k.calls AS n
                  FROM kpi_daily_calls k, kpi_bounds(cl.id, $2, $3) b
                  WHERE k.client_id = cl.id AND ($4::uuid IS NULL OR k.campaign_id = $4) AND k.calls <> 0
                    AND (b.day_from IS NULL OR k.day >= b.day_from) AND (b.day_to IS NULL OR k.day < b.day_to)
                  UNION ALL
                  SELECT (c.created_at AT TIME ZONE b.tz)::date, count(*)
                  FROM call_logs c, kpi_bounds(cl.id, $2, $3) b
                  WHERE c.client_id = cl.id AND ($4::uuid IS NULL OR c.campaign_id = $4)
                    AND ((c.created_at >= b.a_from AND c.created_at < b.a_to) OR (c.created_at >= b.b_from AND c.created_at < b.b_to))
                  GROUP BY 1) d
            GROUP BY 1 HAVING sum(d.n) <> 0
            """, "x.day"), ids, range);
        Add(batch, PerClient(allTime
            ? """
              SELECT n.status::text AS status, sum(n.count)::int
              FROM campaign_lead_counts n
              WHERE n.client_id = cl.id AND ($4::uuid IS NULL OR n.campaign_id = $4)
              GROUP BY 1 HAVING sum(n.count) > 0
              """
            : """
              SELECT d.status, sum(d.n)::int
              FROM (SELECT k.status::text AS status, k.count AS n
                    FROM kpi_daily_leads k, kpi_bounds(cl.id, $2, $3) b
                    WHERE k.client_id = cl.id AND ($4::uuid IS NULL OR k.campaign_id = $4)
                      AND (b.day_from IS NULL OR k.day >= b.day_from) AND (b.day_to IS NULL OR k.day < b.day_to)
                    UNION ALL
                    SELECT l.status::text, count(*)
                    FROM leads l, kpi_bounds(cl.id, $2, $3) b
                    WHERE l.client_id = cl.id AND ($4::uuid IS NULL OR l.campaign_id = $4)
                      AND ((l.created_at >= b.a_from AND l.created_at < b.a_to) OR (l.created_at >= b.b_from AND l.created_at < b.b_to))
                    GROUP BY 1) d
              GROUP BY 1 HAVING sum(d.n) <> 0
              """, "x.status"), ids, range);

        var reach = new Dictionary<Guid, (int Called, int Contacted)>();
        var appointments = new Dictionary<Guid, (int Booked, int Shown, int Verified)>();
        var usage = new Dictionary<Guid, (string Currency, decimal Cost)>();
        var byDay = new Dictionary<Guid, List<DayCount>>();
        var byStatus = new Dictionary<Guid, List<StatusCount>>();
        await Task.WhenAll(ReadMainAsync(), ReadReachAsync());

        async Task ReadMainAsync()
        {
            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) appointments[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) usage[reader.GetGuid(0)] = (reader.GetString(1), reader.GetDecimal(2));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                Of(byDay, reader.GetGuid(0)).Add(new DayCount(DateOnly.FromDateTime(reader.GetDateTime(1)), reader.GetInt32(2)));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                Of(byStatus, reader.GetGuid(0)).Add(new StatusCount(reader.GetString(1), reader.GetInt32(2)));
        }

        async Task ReadReachAsync()
        {
            await using var reader = await reachBatch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) reach[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetInt32(2));
        }

        var result = new Dictionary<Guid, KpiSnapshot>(ids.Length);
        foreach (var id in ids)
        {
            var (called, contacted) = reach.GetValueOrDefault(id);
            var (booked, shown, verified) = appointments.GetValueOrDefault(id);
            var (currency, cost) = usage.TryGetValue(id, out var u) ? u : ("usd", 0m);
            var days = byDay.GetValueOrDefault(id) ?? [];
            var statuses = byStatus.GetValueOrDefault(id) ?? [];
            result[id] = new KpiSnapshot(range, statuses.Sum(s => s.Count), days.Sum(d => d.Count), called, contacted, booked, shown, verified,
                cost, currency, days, statuses);
        }
        return result;
    }

    // a statement for each requested client: the inner query reads cl.id (a client the caller may see)
    private static string PerClient(string inner, string? orderBy = null) =>
        $"SELECT cl.id, x.* FROM clients cl CROSS JOIN LATERAL ({inner}) x WHERE cl.id = ANY($1) ORDER BY cl.id{(orderBy is null ? "" : ", " + orderBy)}";

    private static List<T> Of<T>(Dictionary<Guid, List<T>> lists, Guid id) =>
        lists.TryGetValue(id, out var list) ? list : lists[id] = [];

    private static void Add(NpgsqlBatch batch, string sql, Guid[] clientIds, KpiRange range)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = clientIds, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)range.From ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)range.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)range.CampaignId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        batch.BatchCommands.Add(command);
    }
}
