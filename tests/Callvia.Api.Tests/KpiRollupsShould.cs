using System.Globalization;
using System.Net;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Testing;
using Npgsql;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>
/// The KPIs read whole days from rollups the database keeps (kpi_daily_leads, kpi_daily_calls, kpi_campaign_reach) and
/// only the partial days at a range's ends from the rows. Whatever happens to the rows (inserts, status changes, calls
/// connecting, deletes, a new time zone) and whatever the range, they must equal counting the rows themselves.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class KpiRollupsShould(ApiFixture fixture)
{
    private const string Query = """
        query($from: DateTime, $to: DateTime, $campaignId: ID) { kpis(from: $from, to: $to, campaignId: $campaignId) {
          leads calls calledLeads contactedLeads appointmentsBooked appointmentsShown appointmentsVerified usageCost { amount } callsByDay { day count } leadsByStatus { status count } } }
        """;

    [Fact]
    public async Task Equal_counting_the_rows_for_any_range_campaign_and_time_zone_after_any_change()
    {
        var tenant = await fixture.CreateTenantAsync();
        var other = await fixture.CreateTenantAsync();
        var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        // a half-hour zone: the client's days do not start on UTC hours
        await ExecAsync($"UPDATE clients SET time_zone = 'Asia/Kolkata' WHERE id = '{tenant.Id}'");

        var t0 = new DateTimeOffset(2022, 3, 8, 0, 0, 0, TimeSpan.Zero); // twelve days across the US change to summer time
        foreach (var t in new[] { tenant, other })
        {
            await ExecAsync($"""
                INSERT INTO leads (id, client_id, campaign_id, phone_e164, phone_raw, status, attempts, custom_fields, created_at, updated_at)
                SELECT gen_random_uuid(), '{t.Id}', CASE WHEN g % 3 = 0 THEN '{t.CampaignIds[1]}'::uuid ELSE '{t.CampaignIds[0]}'::uuid END,
                       '+1646' || lpad(g::text, 7, '0'), 'x', (ARRAY['new', 'contacted', 'callback', 'booked', 'dnc'])[1 + g % 5], 0, '{"{}"}',
                       '{t0:O}'::timestamptz + g * interval '4 hours 7 minutes', now()
                FROM generate_series(1, 70) g;
                INSERT INTO call_logs (id, client_id, campaign_id, lead_id, provider_call_id, status, direction, started_at, duration_seconds, created_at, updated_at)
                SELECT gen_random_uuid(), '{t.Id}', l.campaign_id, l.id, 'rollup-' || gen_random_uuid(), 'ended', 'outbound',
                       CASE WHEN g % 3 <> 0 THEN '{t0:O}'::timestamptz + g * interval '3 hours 11 minutes' END, CASE WHEN g % 4 = 0 THEN 40 ELSE 0 END,
                       '{t0:O}'::timestamptz + g * interval '3 hours 11 minutes', now()
                FROM generate_series(1, 90) g
                LEFT JOIN LATERAL (SELECT id, campaign_id FROM leads WHERE client_id = '{t.Id}' ORDER BY created_at OFFSET (g * 7) % 80 LIMIT 1) l ON true;
                INSERT INTO usage_records (id, client_id, call_log_id, seconds, rate_per_minute, cost, occurred_at, created_at)
                SELECT gen_random_uuid(), '{t.Id}', c.id, 40, 0.2, (row_number() OVER (ORDER BY c.created_at)) * 0.013, c.created_at + interval '5 minutes', now()
                FROM call_logs c WHERE c.client_id = '{t.Id}' AND c.provider_call_id LIKE 'rollup-%' AND extract(minute FROM c.created_at)::int % 2 = 0;
                INSERT INTO appointments (id, client_id, lead_id, campaign_id, provider_booking_uid, rescheduled_from_uid, starts_at, ends_at, status, created_at, updated_at)
                SELECT gen_random_uuid(), '{t.Id}', NULL, CASE WHEN g % 7 = 0 THEN NULL WHEN g % 2 = 0 THEN '{t.CampaignIds[1]}'::uuid ELSE '{t.CampaignIds[0]}'::uuid END,
                       'rollup-' || gen_random_uuid(), CASE WHEN g % 6 = 0 THEN 'rollup-old' END,
                       '{t0:O}'::timestamptz + g * interval '5 hours 3 minutes' + interval '2 days', '{t0:O}'::timestamptz + g * interval '5 hours 3 minutes' + interval '2 days 30 minutes',
                       (ARRAY['booked', 'cancelled', 'shown', 'no_show'])[1 + g % 4], '{t0:O}'::timestamptz + g * interval '4 hours 13 minutes', now()
                FROM generate_series(1, 50) g;
                """);
        }
        // changes after the fact (deletes only of this test's rows: the tenant's seeded appointments have messages, and
        // are created at the hour the test runs): statuses, calls connecting, calls and leads deleted, a lead moved to the other campaign,
        // calls moved to another lead (with its campaign)
        // (calls without a lead have no campaign: (g * 7) % 80 passes the last lead)
        await ExecAsync($"""
            UPDATE leads SET status = 'booked' WHERE client_id = '{tenant.Id}' AND phone_e164 LIKE '%1_';
            UPDATE leads l SET campaign_id = '{tenant.CampaignIds[1]}' WHERE l.client_id = '{tenant.Id}' AND l.phone_e164 LIKE '%05'
              AND NOT EXISTS (SELECT 1 FROM call_logs c WHERE c.lead_id = l.id);
            UPDATE call_logs SET started_at = created_at WHERE client_id = '{tenant.Id}' AND started_at IS NULL AND extract(hour FROM created_at)::int % 2 = 0;
            DELETE FROM call_logs c WHERE c.client_id = '{tenant.Id}' AND c.provider_call_id LIKE 'rollup-%' AND extract(hour FROM c.created_at)::int = 7
              AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.call_log_id = c.id);
            DELETE FROM leads l WHERE l.client_id = '{tenant.Id}' AND l.phone_e164 LIKE '+1646%' AND extract(hour FROM l.created_at)::int = 9
              AND NOT EXISTS (SELECT 1 FROM call_logs c WHERE c.lead_id = l.id);
            UPDATE usage_records SET cost = cost * 2 WHERE client_id = '{tenant.Id}' AND extract(hour FROM occurred_at)::int = 13;
            UPDATE appointments SET status = 'shown' WHERE client_id = '{tenant.Id}' AND provider_booking_uid LIKE 'rollup-%' AND status = 'booked' AND extract(hour FROM starts_at)::int % 2 = 0;
            UPDATE appointments SET starts_at = starts_at + interval '1 day 3 hours' WHERE client_id = '{tenant.Id}' AND provider_booking_uid LIKE 'rollup-%' AND extract(hour FROM created_at)::int % 3 = 0;
            DELETE FROM appointments WHERE client_id = '{tenant.Id}' AND provider_booking_uid LIKE 'rollup-%' AND extract(hour FROM created_at)::int = 11;
            UPDATE call_logs c SET lead_id = x.id, campaign_id = x.campaign_id
            FROM (SELECT id, campaign_id FROM leads WHERE client_id = '{tenant.Id}' AND campaign_id = '{tenant.CampaignIds[1]}' ORDER BY created_at LIMIT 1) x
            WHERE c.client_id = '{tenant.Id}' AND extract(hour FROM c.created_at)::int = 5;
            """);
        // calls logged one at a time, late: each before its lead's earlier calls, one of them connected
        foreach (var (back, seconds) in new[] { ("2 days 1 hour", 30), ("5 hours", 0), ("9 days", 12) })
            await ExecAsync($"""
                INSERT INTO call_logs (id, client_id, campaign_id, lead_id, provider_call_id, status, direction, started_at, duration_seconds, created_at, updated_at)
                SELECT gen_random_uuid(), client_id, campaign_id, lead_id, 'late-' || gen_random_uuid(), 'ended', 'outbound', NULL, {seconds},
                       created_at - interval '{back}', now()
                FROM call_logs WHERE client_id = '{tenant.Id}' AND lead_id IS NOT NULL ORDER BY created_at DESC LIMIT 1;
                """);

        var ranges = new (DateTimeOffset? From, DateTimeOffset? To)[]
        {
            (null, null),                                                      // all time
            (t0.AddHours(-5.5), t0.AddDays(10).AddHours(-5.5)),                // whole days in Kolkata
            (t0.AddDays(1).AddHours(5).AddMinutes(17), t0.AddDays(6).AddHours(13)), // partial days at both ends
            (t0.AddDays(2).AddHours(3), t0.AddDays(2).AddHours(9)),            // inside one day
            (t0.AddDays(3).AddHours(20), t0.AddDays(4).AddHours(2)),           // across one midnight, no whole day
            (null, t0.AddDays(5).AddMinutes(1)),                               // open start
            (t0.AddDays(4).AddHours(7), null),                                 // open end
        };
        async Task CheckAsync(string zone)
        {
            foreach (var (from, to) in ranges)
            foreach (var campaign in new Guid?[] { null, tenant.CampaignIds[0], tenant.CampaignIds[1] })
            {
                var (status, body) = await api.GraphQLAsync(Query, new
                {
                    from, to, campaignId = campaign is { } c ? GlobalId.Encode(CampaignGraphType.TypeName, c) : null,
                }, token);
                Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
                var k = body.GetProperty("data").GetProperty("kpis");
                var actual = string.Join(" | ",
                    k.GetProperty("leads").GetInt32(), k.GetProperty("calls").GetInt32(), k.GetProperty("calledLeads").GetInt32(),
                    k.GetProperty("contactedLeads").GetInt32(), k.GetProperty("appointmentsBooked").GetInt32(),
                    k.GetProperty("appointmentsShown").GetInt32(), k.GetProperty("appointmentsVerified").GetInt32(),
                    decimal.Parse(k.GetProperty("usageCost").GetProperty("amount").GetString()!, CultureInfo.InvariantCulture).ToString("0.000000", CultureInfo.InvariantCulture),
                    string.Join(",", k.GetProperty("callsByDay").EnumerateArray().Select(d => $"{d.GetProperty("day").GetString()}={d.GetProperty("count").GetInt32()}")),
                    string.Join(",", k.GetProperty("leadsByStatus").EnumerateArray().Select(s => $"{s.GetProperty("status").GetString()!.ToLowerInvariant()}={s.GetProperty("count").GetInt32()}")));
                Assert.True(await ExpectedAsync(tenant.Id, from, to, campaign) == actual, $"{zone} {from:O}..{to:O} campaign {campaign}: expected {await ExpectedAsync(tenant.Id, from, to, campaign)}, got {actual}");

                // the leads list's total over the same rollups: created in the range, of some statuses or any
                foreach (var statuses in new[] { null, new[] { "CONTACTED", "BOOKED" } })
                {
                    var (_, listed) = await api.GraphQLAsync("query($f: LeadFilter) { leads(first: 1, filter: $f) { totalCount } }", new
                    {
                        f = new { createdFrom = from, createdTo = to, status = statuses, campaignId = campaign is { } cc ? GlobalId.Encode(CampaignGraphType.TypeName, cc) : null },
                    }, token);
                    var total = listed.GetProperty("data").GetProperty("leads").GetProperty("totalCount").GetInt32();
                    string Range(string column) => (from is { } f ? $" AND {column} >= '{f:O}'" : "") + (to is { } t ? $" AND {column} < '{t:O}'" : "");
                    var expected = await fixture.CountAsync($"""
                        SELECT count(*) FROM leads WHERE client_id = '{tenant.Id}'{Range("created_at")}
                        {(campaign is { } c2 ? $" AND campaign_id = '{c2}'" : "")}{(statuses is null ? "" : " AND status IN ('contacted', 'booked')")}
                        """);
                    Assert.True(expected == total, $"{zone} {from:O}..{to:O} campaign {campaign} statuses {statuses?.Length}: expected {expected} leads, got {total}");
                }
            }
        }
        await CheckAsync("Asia/Kolkata");
        // a new time zone re-buckets the client's days in the same transaction
        await ExecAsync($"UPDATE clients SET time_zone = 'America/New_York' WHERE id = '{tenant.Id}'");
        await CheckAsync("America/New_York");
        // and the rollups hold nothing of the other tenant's that counting would not
        Assert.Equal(0, await fixture.CountAsync($"""
            SELECT count(*) FROM kpi_daily_leads k WHERE k.client_id = '{other.Id}' AND k.campaign_id NOT IN ('{other.CampaignIds[0]}', '{other.CampaignIds[1]}')
            """));
    }

    /// <summary>The KPI rules applied to the rows themselves, formatted like the answer.</summary>
    private async Task<string> ExpectedAsync(Guid client, DateTimeOffset? from, DateTimeOffset? to, Guid? campaign)
    {
        string Range(string column) =>
            (from is { } f ? $" AND {column} >= '{f:O}'" : "") + (to is { } t ? $" AND {column} < '{t:O}'" : "");
        var camp = campaign is { } c ? $" AND campaign_id = '{c}'" : "";
        var calls = $"FROM call_logs WHERE client_id = '{client}'{camp}{Range("created_at")}";
        var leads = $"FROM leads WHERE client_id = '{client}'{camp}{Range("created_at")}";
        return (await fixture.TextAsync($"""
            SELECT concat_ws(' | ',
              (SELECT count(*) {leads}), (SELECT count(*) {calls}), (SELECT count(DISTINCT lead_id) {calls}),
              (SELECT count(DISTINCT lead_id) FILTER (WHERE started_at IS NOT NULL OR duration_seconds > 0) {calls}),
              (SELECT count(*) FROM appointments WHERE client_id = '{client}'{camp} AND rescheduled_from_uid IS NULL{Range("created_at")}),
              (SELECT count(*) FROM appointments WHERE client_id = '{client}'{camp} AND status = 'shown'{Range("starts_at")}),
              (SELECT count(*) FROM appointments WHERE client_id = '{client}'{camp} AND status IN ('shown', 'no_show'){Range("starts_at")}),
              (SELECT to_char(coalesce(sum(u.cost), 0), 'FM9999990.000000') FROM usage_records u WHERE u.client_id = '{client}'{Range("u.occurred_at")}
                 {(campaign is { } cc ? $"AND EXISTS (SELECT 1 FROM call_logs k WHERE k.id = u.call_log_id AND k.campaign_id = '{cc}')" : "")}),
              coalesce((SELECT string_agg(d || '=' || n, ',' ORDER BY d) FROM (
                 SELECT (created_at AT TIME ZONE (SELECT time_zone FROM clients WHERE id = '{client}'))::date::text AS d, count(*) AS n {calls} GROUP BY 1) x), ''),
              coalesce((SELECT string_agg(status || '=' || n, ',' ORDER BY status) FROM (SELECT status, count(*) AS n {leads} GROUP BY 1) y), ''))
            """))!;
    }

    private async Task ExecAsync(string sql)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = fixture.Database.Name }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }
}
