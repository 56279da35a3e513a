using Callvia.Core.Data;
using Callvia.Core.Leads;
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
    /// The current tenant's leads created in the range, of these statuses (or any): the leads list's total. The same
    /// rollups as <see cref="KpiSnapshot.LeadsByStatus"/>, so a count over a million leads reads days, not rows.
    /// </summary>
    /// <param name="connection">An open connection of the tenant's (the request's DbContext's), or null for a new one.</param>
    public async Task<int> CountLeadsAsync(KpiRange range, IReadOnlyCollection<LeadStatus>? statuses, NpgsqlConnection? connection, CancellationToken ct)
    {
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("Lead counts are a client's.");
        var allTime = range.From is null && range.To is null;
        await using var own = connection is null ? await TenantSession.OpenConnectionAsync(dataSource, tenant, ct) : null;
        var conn = connection ?? own!;
        if ((await BoundsAsync(conn, [clientId], range, ct)).SingleOrDefault() is not { } client) return 0;
        var wanted = statuses is { Count: > 0 } ? statuses.Select(SnakeCaseEnum<LeadStatus>.ToDb).ToHashSet() : null;
        await using var batch = new NpgsqlBatch(conn);
        Add(batch, LeadsByStatus(allTime, client), client, range);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var total = 0;
        while (await reader.ReadAsync(ct))
            if (wanted is null || wanted.Contains(reader.GetString(0))) total += reader.GetInt32(1);
        return total;
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
        var allTime = range.From is null && range.To is null;
        await using var conn = await TenantSession.OpenConnectionAsync(dataSource, tenant, ct);
        // A bounded range first needs each client's time zone and the range in its local days: the whole days inside it
        // (read from the daily rollups) and the partial days at its ends (read from the rows): kpi_bounds. The
        // statements then get those as values, so PostgreSQL plans each read as the index range it is.
        var clients = await BoundsAsync(conn, ids, range, ct);
        await using var batch = new NpgsqlBatch(conn);
        // Whole days come from the daily rollups (kpi_daily_leads, kpi_daily_calls, kpi_daily_appointments: kept by
        // triggers in the same transactions as the rows, in the client's time zone); the partial days at the range's ends
        // come from the rows. All time, the leads by status are campaign_lead_counts and the called / contacted leads
        // kpi_campaign_reach (both trigger-kept too). The leads are the sum of the leads by status, the calls the sum of
        // the calls by day.
        // $1 client, $2 from, $3 to, $4 campaign, $5 first whole day, $6 day after the last, [$7, $8) and [$9, $10) the
        // partial days, $11 the client's time zone
        foreach (var client in clients)
        {
            // a range of whole days (or all time) has no partial days: no read of the rows at all (not even a plan that
            // starts parallel workers to find nothing)
            string Rows(string select, string column, string tail = "") => KpiService.Rows(client, select, column, tail);
            // The called / contacted leads: all time, the campaigns' leads ever called / contacted; for a range, the whole
            // days' from kpi_daily_reach (each lead counted on its first call day in the range: the one whose previous call
            // day is before it), plus the partial days' leads that have no call (no connected call) in the whole days.
            const string WholeDays = """
                w.client_id = $1 AND ($4::uuid IS NULL OR w.campaign_id = $4)
                AND ($5::date IS NULL OR w.created_at >= ($5::timestamp AT TIME ZONE $11)) AND ($6::date IS NULL OR w.created_at < ($6::timestamp AT TIME ZONE $11))
                """;
            Add(batch, allTime
                ? """
                  SELECT coalesce(sum(r.called_leads), 0)::int, coalesce(sum(r.contacted_leads), 0)::int
                  FROM kpi_campaign_reach r
                  WHERE r.client_id = $1 AND ($4::uuid IS NULL OR r.campaign_id = $4)
                  """
                : $"""
                  SELECT coalesce(sum(d.called), 0)::int, coalesce(sum(d.contacted), 0)::int
                  FROM (SELECT k.called, k.contacted
                        FROM kpi_daily_reach k
                        WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4) AND {Days} AND (k.since = '-infinity' OR k.since < $5)
                        {(client.Partial ? $"""
                            UNION ALL
                            SELECT (x.calls = 0)::int, (e.connected AND NOT coalesce(x.connected, false))::int
                            FROM (SELECT c.lead_id, bool_or(c.connected) AS connected
                                  FROM ({Ends(client, """
                                            SELECT c.lead_id, call_connected(c.started_at, c.duration_seconds) AS connected FROM call_logs c
                                            WHERE c.client_id = $1 AND ($4::uuid IS NULL OR c.campaign_id = $4) AND c.lead_id IS NOT NULL
                                            """, "c.created_at")}) c
                                  GROUP BY c.lead_id) e
                            -- one probe of the lead's calls per partial-day lead (a join, not a subquery PostgreSQL may turn
                            -- into a scan of every call in the whole days)
                            CROSS JOIN LATERAL (SELECT count(*) AS calls, bool_or(call_connected(w.started_at, w.duration_seconds)) AS connected
                                                FROM call_logs w WHERE w.lead_id = e.lead_id AND {WholeDays}) x
                            """ : "")}) d
                  """, client, range);
            Add(batch, $"""
                SELECT coalesce(sum(d.booked), 0)::int, coalesce(sum(d.shown), 0)::int, coalesce(sum(d.verified), 0)::int
                FROM (SELECT k.booked, k.shown, k.verified
                      FROM kpi_daily_appointments k
                      WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4) AND {Days}
                      {Rows("""
                          SELECT count(*) FILTER (WHERE a.rescheduled_from_uid IS NULL), 0, 0 FROM appointments a
                          WHERE a.client_id = $1 AND ($4::uuid IS NULL OR a.campaign_id = $4)
                          """, "a.created_at")}
                      {Rows("""
                          SELECT 0, count(*) FILTER (WHERE a.status = 'shown'), count(*) FILTER (WHERE a.status IN ('shown', 'no_show'))
                          FROM appointments a WHERE a.client_id = $1 AND ($4::uuid IS NULL OR a.campaign_id = $4)
                          """, "a.starts_at")}) d
                """, client, range);
            Add(batch, $"""
                SELECT coalesce(sum(d.cost), 0), (SELECT currency FROM clients WHERE id = $1)
                FROM (SELECT sum(k.usage_cost) AS cost
                      FROM kpi_daily_calls k
                      WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4) AND {Days}
                      {Rows("""
                          SELECT sum(u.cost) FROM usage_records u
                          WHERE u.client_id = $1
                            AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM call_logs c WHERE c.client_id = $1 AND c.id = u.call_log_id AND c.campaign_id = $4))
                          """, "u.occurred_at")}) d
                """, client, range);
            Add(batch, $"""
                SELECT d.day, sum(d.n)::int
                FROM (SELECT k.day, k.calls AS n
                      FROM kpi_daily_calls k
                      WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4) AND k.calls <> 0 AND {Days}
                      {Rows("""
                          SELECT (c.created_at AT TIME ZONE $11)::date, count(*) FROM call_logs c
                          WHERE c.client_id = $1 AND ($4::uuid IS NULL OR c.campaign_id = $4)
                          """, "c.created_at", " GROUP BY 1")}) d
                GROUP BY 1 HAVING sum(d.n) <> 0 ORDER BY 1
                """, client, range);
            Add(batch, LeadsByStatus(allTime, client), client, range);
        }

        var result = new Dictionary<Guid, KpiSnapshot>(ids.Length);
        await ReadMainAsync();
        foreach (var id in ids.Where(id => !result.ContainsKey(id))) // not visible: zeros
            result[id] = new KpiSnapshot(range, 0, 0, 0, 0, 0, 0, 0, 0m, "usd", [], []);
        return result;

        async Task ReadMainAsync()
        {
            if (clients.Count == 0) return;
            await using var reader = await batch.ExecuteReaderAsync(ct);
            var first = true;
            foreach (var client in clients)
            {
                if (!first) await reader.NextResultAsync(ct);
                first = false;
                await reader.ReadAsync(ct);
                var (called, contacted) = (reader.GetInt32(0), reader.GetInt32(1));
                await reader.NextResultAsync(ct);
                await reader.ReadAsync(ct);
                var (booked, shown, verified) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
                await reader.NextResultAsync(ct);
                await reader.ReadAsync(ct);
                var (cost, currency) = (reader.GetDecimal(0), reader.IsDBNull(1) ? "usd" : reader.GetString(1));
                await reader.NextResultAsync(ct);
                var days = new List<DayCount>();
                while (await reader.ReadAsync(ct)) days.Add(new DayCount(reader.GetFieldValue<DateOnly>(0), reader.GetInt32(1)));
                await reader.NextResultAsync(ct);
                var statuses = new List<StatusCount>();
                while (await reader.ReadAsync(ct)) statuses.Add(new StatusCount(reader.GetString(0), reader.GetInt32(1)));
                result[client.Id] = new KpiSnapshot(range, statuses.Sum(s => s.Count), days.Sum(d => d.Count), called, contacted,
                    booked, shown, verified, cost, currency, days, statuses);
            }
        }
    }

    /// <summary>A client's time zone and the range in its local days (see kpi_bounds).</summary>
    private sealed record Bounds(Guid Id, string TimeZone, DateOnly? DayFrom, DateOnly? DayTo,
        DateTimeOffset? AFrom, DateTimeOffset? ATo, DateTimeOffset? BFrom, DateTimeOffset? BTo)
    {
        /// <summary>A range of whole days (or all time) has no partial days: no read of the rows at all.</summary>
        public bool Partial => ATo > AFrom || BTo > BFrom;
    }

    // the leads created in the range by their status: whole days from kpi_daily_leads, partial days from the rows; all
    // time from campaign_lead_counts
    private static string LeadsByStatus(bool allTime, Bounds client) => allTime
        ? """
          SELECT n.status::text, sum(n.count)::int
          FROM campaign_lead_counts n
          WHERE n.client_id = $1 AND ($4::uuid IS NULL OR n.campaign_id = $4)
          GROUP BY 1 HAVING sum(n.count) > 0 ORDER BY 1
          """
        : $"""
          SELECT d.status, sum(d.n)::int
          FROM (SELECT k.status::text AS status, k.count AS n
                FROM kpi_daily_leads k
                WHERE k.client_id = $1 AND ($4::uuid IS NULL OR k.campaign_id = $4) AND {Days}
                {Rows(client, """
                    SELECT l.status::text, count(*) FROM leads l
                    WHERE l.client_id = $1 AND ($4::uuid IS NULL OR l.campaign_id = $4)
                    """, "l.created_at", " GROUP BY 1")}) d
          GROUP BY 1 HAVING sum(d.n) <> 0 ORDER BY 1
          """;

    // $5 first whole day, $6 the day after the last
    private const string Days = "($5::date IS NULL OR k.day >= $5) AND ($6::date IS NULL OR k.day < $6)";

    // the rows of the partial days [$7, $8) and [$9, $10), each read only when it is not empty (a branch that can find
    // nothing still starts parallel workers under row-level security); one branch per end, not an OR of the two: each
    // end is then an index-only range scan of the covering index
    private static string Ends(Bounds client, string select, string column, string tail = "") => string.Join(" UNION ALL ",
        new[]
        {
            client.ATo > client.AFrom ? $"{select} AND {column} >= $7 AND {column} < $8{tail}" : null,
            client.BTo > client.BFrom ? $"{select} AND {column} >= $9 AND {column} < $10{tail}" : null,
        }.OfType<string>());

    // the partial days' branches appended to a statement's whole-day read
    private static string Rows(Bounds client, string select, string column, string tail = "") =>
        client.Partial ? " UNION ALL " + Ends(client, select, column, tail) : "";

    /// <summary>Each client's time zone and the range in its local days (kpi_bounds); all time needs no read.</summary>
    private static async Task<List<Bounds>> BoundsAsync(NpgsqlConnection conn, Guid[] ids, KpiRange range, CancellationToken ct)
    {
        if (range.From is null && range.To is null)
            return ids.Select(id => new Bounds(id, "UTC", null, null, null, null, null, null)).ToList();
        var list = new List<Bounds>();
        await using var cmd = new NpgsqlCommand("""
            SELECT cl.id, b.tz, b.day_from, b.day_to, b.a_from, b.a_to, b.b_from, b.b_to
            FROM clients cl, kpi_bounds(cl.id, $1, $2) b WHERE cl.id = ANY($3) ORDER BY cl.id
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)range.From ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)range.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new Bounds(reader.GetGuid(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3),
                Time(reader, 4), Time(reader, 5), Time(reader, 6), Time(reader, 7)));
        return list;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);

    private static void Add(NpgsqlBatch batch, string sql, Bounds client, KpiRange range)
    {
        var command = new NpgsqlBatchCommand(sql);
        void P(object? value, NpgsqlTypes.NpgsqlDbType type) =>
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
        P(client.Id, NpgsqlTypes.NpgsqlDbType.Uuid);
        P(range.From, NpgsqlTypes.NpgsqlDbType.TimestampTz);
        P(range.To, NpgsqlTypes.NpgsqlDbType.TimestampTz);
        P(range.CampaignId, NpgsqlTypes.NpgsqlDbType.Uuid);
        P(client.DayFrom, NpgsqlTypes.NpgsqlDbType.Date);
        P(client.DayTo, NpgsqlTypes.NpgsqlDbType.Date);
        P(client.AFrom, NpgsqlTypes.NpgsqlDbType.TimestampTz);
        P(client.ATo, NpgsqlTypes.NpgsqlDbType.TimestampTz);
        P(client.BFrom, NpgsqlTypes.NpgsqlDbType.TimestampTz);
        P(client.BTo, NpgsqlTypes.NpgsqlDbType.TimestampTz);
        P(client.TimeZone, NpgsqlTypes.NpgsqlDbType.Text);
        batch.BatchCommands.Add(command);
    }
}
