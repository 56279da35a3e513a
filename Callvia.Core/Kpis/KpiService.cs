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
    /// <summary>The current tenant's KPIs.</summary>
    public async Task<KpiSnapshot> GetAsync(KpiRange range, CancellationToken ct)
    {
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("KPIs are a client's.");
        return (await GetManyAsync([clientId], range, ct))[clientId];
    }

    /// <summary>
    /// The KPIs of several clients in one round trip (the agency's client list): the same statements, grouped by client.
    /// In a tenant scope only that client has rows; across clients it needs the agency scope (<see cref="AgencyAccess"/>).
    /// Every requested client gets a snapshot (zeros when it has nothing, or is not visible).
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, KpiSnapshot>> GetManyAsync(IReadOnlyCollection<Guid> clientIds, KpiRange range, CancellationToken ct)
    {
        var ids = clientIds.Distinct().ToArray();
        if (ids.Length == 0) return new Dictionary<Guid, KpiSnapshot>();
        if (!tenant.IsAgency && (tenant.ClientId is not { } own || ids.Any(id => id != own)))
            throw new InvalidOperationException("Other clients' KPIs need the agency scope.");
        await using var conn = await TenantSession.OpenConnectionAsync(dataSource, tenant, ct);
        await using var batch = new NpgsqlBatch(conn);
        // The leads are the sum of the leads by status (every lead has one status): one read of the leads, not two.
        // All time (no range), the leads by status are campaign_lead_counts: the database keeps it in the same
        // transactions as the leads (statement triggers on leads), so it equals counting the leads, without reading a
        // million rows. A status whose counter went back to zero is no row of the direct count either.
        var allTime = range.From is null && range.To is null;
        // $1 clients, $2 from, $3 to, $4 campaign
        Add(batch, """
            SELECT c.client_id,
                   count(*)::int,
                   count(DISTINCT c.lead_id)::int,
                   count(DISTINCT c.lead_id) FILTER (WHERE c.started_at IS NOT NULL OR c.duration_seconds > 0)::int
            FROM call_logs c
            WHERE c.client_id = ANY($1) AND ($4::uuid IS NULL OR c.campaign_id = $4)
              AND ($2::timestamptz IS NULL OR c.created_at >= $2) AND ($3::timestamptz IS NULL OR c.created_at < $3)
            GROUP BY c.client_id
            """, ids, range);
        Add(batch, """
            SELECT a.client_id,
                   count(*) FILTER (WHERE a.rescheduled_from_uid IS NULL
                                      AND ($2::timestamptz IS NULL OR a.created_at >= $2) AND ($3::timestamptz IS NULL OR a.created_at < $3))::int,
                   count(*) FILTER (WHERE a.status = 'shown' AND ($2::timestamptz IS NULL OR a.starts_at >= $2) AND ($3::timestamptz IS NULL OR a.starts_at < $3))::int,
                   count(*) FILTER (WHERE a.status IN ('shown', 'no_show') AND ($2::timestamptz IS NULL OR a.starts_at >= $2) AND ($3::timestamptz IS NULL OR a.starts_at < $3))::int
            FROM appointments a
            WHERE a.client_id = ANY($1) AND ($4::uuid IS NULL OR a.campaign_id = $4)
            GROUP BY a.client_id
            """, ids, range);
        Add(batch, """
            SELECT cl.id, cl.currency,
                   coalesce((SELECT sum(u.cost) FROM usage_records u
                             WHERE u.client_id = cl.id
                               AND ($2::timestamptz IS NULL OR u.occurred_at >= $2) AND ($3::timestamptz IS NULL OR u.occurred_at < $3)
                               AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM call_logs c WHERE c.client_id = cl.id AND c.id = u.call_log_id AND c.campaign_id = $4))), 0)
            FROM clients cl
            WHERE cl.id = ANY($1)
            """, ids, range);
        Add(batch, """
            SELECT c.client_id, (c.created_at AT TIME ZONE cl.time_zone)::date AS day, count(*)::int
            FROM call_logs c JOIN clients cl ON cl.id = c.client_id
            WHERE c.client_id = ANY($1) AND ($4::uuid IS NULL OR c.campaign_id = $4)
              AND ($2::timestamptz IS NULL OR c.created_at >= $2) AND ($3::timestamptz IS NULL OR c.created_at < $3)
            GROUP BY 1, 2 ORDER BY 1, 2
            """, ids, range);
        Add(batch, allTime
            ? """
              SELECT n.client_id, n.status::text, sum(n.count)::int
              FROM campaign_lead_counts n
              WHERE n.client_id = ANY($1) AND ($4::uuid IS NULL OR n.campaign_id = $4)
              GROUP BY 1, 2 HAVING sum(n.count) > 0 ORDER BY 1, 2
              """
            : """
              SELECT l.client_id, l.status::text, count(*)::int
              FROM leads l
              WHERE l.client_id = ANY($1) AND ($4::uuid IS NULL OR l.campaign_id = $4)
                AND ($2::timestamptz IS NULL OR l.created_at >= $2) AND ($3::timestamptz IS NULL OR l.created_at < $3)
              GROUP BY 1, 2 ORDER BY 1, 2
              """, ids, range);

        var calls = new Dictionary<Guid, (int Calls, int Called, int Contacted)>();
        var appointments = new Dictionary<Guid, (int Booked, int Shown, int Verified)>();
        var usage = new Dictionary<Guid, (decimal Cost, string Currency)>();
        var byDay = new Dictionary<Guid, List<DayCount>>();
        var byStatus = new Dictionary<Guid, List<StatusCount>>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) calls[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) appointments[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) usage[reader.GetGuid(0)] = (reader.GetDecimal(2), reader.GetString(1));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                Of(byDay, reader.GetGuid(0)).Add(new DayCount(DateOnly.FromDateTime(reader.GetDateTime(1)), reader.GetInt32(2)));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                Of(byStatus, reader.GetGuid(0)).Add(new StatusCount(reader.GetString(1), reader.GetInt32(2)));
        }

        var result = new Dictionary<Guid, KpiSnapshot>(ids.Length);
        foreach (var id in ids)
        {
            var (callCount, called, contacted) = calls.GetValueOrDefault(id);
            var (booked, shown, verified) = appointments.GetValueOrDefault(id);
            var (cost, currency) = usage.TryGetValue(id, out var u) ? u : (0m, "usd");
            var statuses = byStatus.GetValueOrDefault(id) ?? [];
            result[id] = new KpiSnapshot(range, statuses.Sum(s => s.Count), callCount, called, contacted, booked, shown, verified,
                cost, currency, byDay.GetValueOrDefault(id) ?? [], statuses);
        }
        return result;
    }

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
