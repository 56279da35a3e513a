using System.Net;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Appointments;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class LeadsAndKpisShould(ApiFixture fixture)
{
    private const string LeadsPage = """
        query($first: Int, $after: String, $filter: LeadFilter, $orderBy: LeadOrder) {
          leads(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
            totalCount
            pageInfo { hasNextPage endCursor }
            edges { cursor node { id phone firstName status } }
          }
        }
        """;

    private static async Task<JsonElement> DataAsync(HttpClient api, string token, string query, object? variables = null)
    {
        var (status, body) = await api.GraphQLAsync(query, variables, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data");
    }

    private Task SqlAsync(string sql) => fixture.CountAsync($"WITH x AS ({sql} RETURNING 1) SELECT count(*) FROM x");

    [Fact]
    public async Task Page_through_leads_without_repeats_or_gaps_while_leads_are_added()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var mine = new List<Guid>();
        for (var i = 0; i < 25; i++) mine.Add(await fixture.CreateLeadAsync(tenant, $"+1212555{i:0000}"));
        var filter = new { campaignId = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[1]) };

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = (await DataAsync(api, token, LeadsPage, new { first = 10, after, filter })).GetProperty("leads");
            if (pages == 0)
            {
                Assert.True(page.GetProperty("totalCount").GetInt32() >= 25);
                // new leads arrive after the first page: they sort first (newest first) and do not disturb the pages
                for (var i = 0; i < 5; i++) await fixture.CreateLeadAsync(tenant, $"+1212556{i:0000}");
            }
            seen.AddRange(page.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("id").GetString()!));
            after = page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean() ? page.GetProperty("pageInfo").GetProperty("endCursor").GetString() : null;
            pages++;
        } while (after is not null && pages < 20);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Superset(mine.Select(id => GlobalId.Encode(LeadGraphType.TypeName, id)).ToHashSet(), seen.ToHashSet());
    }

    [Fact]
    public async Task Filter_leads_by_status_and_search_and_refuse_bad_arguments()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var booked = await fixture.CreateLeadAsync(tenant, "+13125550199", "zed.unique@example.com");
        await SqlAsync($"UPDATE leads SET status = 'booked', first_name = 'Zebulon', last_name = 'Smithers' WHERE id = '{booked}'");
        await fixture.CreateLeadAsync(tenant, "+13125550100");

        async Task<string[]> Ids(object filter) =>
            (await DataAsync(api, token, LeadsPage, new { filter })).GetProperty("leads").GetProperty("edges").EnumerateArray()
            .Select(e => e.GetProperty("node").GetProperty("id").GetString()!).ToArray();
        var id = GlobalId.Encode(LeadGraphType.TypeName, booked);
        Assert.Equal([id], await Ids(new { status = new[] { "BOOKED" } }));
        Assert.Equal([id], await Ids(new { search = "(312) 555-0199" }));
        Assert.Equal([id], await Ids(new { search = "zebul" }));
        Assert.Equal([id], await Ids(new { search = "ZED.UNIQUE@" }));
        Assert.Empty(await Ids(new { search = "100%_" }));
        // prefixes (indexable under row-level security): of the last name, "first last", the number's last digits
        Assert.Equal([id], await Ids(new { search = "SMITH" }));
        Assert.Equal([id], await Ids(new { search = "zebulon smi" }));
        Assert.Empty(await Ids(new { search = "zebulon jones" }));
        Assert.Equal([id], await Ids(new { search = "0199" }));
        Assert.Equal([id], await Ids(new { search = "+1 312 555 0199" }));
        Assert.Empty(await Ids(new { search = "ebulon" })); // not a "contains" search: see LeadSearch

        foreach (var (variables, word) in new (object, string)[]
                 {
                     (new { first = 500 }, "first"), (new { first = 0 }, "first"), (new { after = "bm90LWEtY3Vyc29y" }, "after"),
                     (new { filter = new { campaignId = "nope" } }, "campaignId"),
                 })
        {
            var (status, body) = await api.GraphQLAsync(LeadsPage, variables, token);
            Assert.Equal(HttpStatusCode.OK, status);
            var error = body.GetProperty("errors")[0];
            Assert.Equal("VALIDATION", error.GetProperty("extensions").GetProperty("code").GetString());
            Assert.Contains(word, error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Load_a_page_of_50_leads_with_their_last_call_and_appointment_in_a_bounded_number_of_statements()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            for (var i = 0; i < 50; i++)
            {
                var lead = new Core.Leads.Lead { CampaignId = tenant.CampaignIds[i % 2], PhoneE164 = $"+1415555{i:0000}", PhoneRaw = "x" };
                db.Leads.Add(lead);
                db.CallLogs.Add(new CallLog { LeadId = lead.Id, CampaignId = lead.CampaignId, ProviderCallId = $"n1-{Guid.NewGuid():N}", Status = CallStatus.Ended });
                db.Appointments.Add(new Appointment { LeadId = lead.Id, ProviderBookingUid = $"n1-{Guid.NewGuid():N}", StartsAt = DateTimeOffset.UtcNow, EndsAt = DateTimeOffset.UtcNow.AddMinutes(30) });
            }
            return await db.SaveChangesAsync();
        });
        const string query = """
            query($first: Int) { leads(first: $first) { totalCount edges { node { id campaign { name } lastCall { status } lastAppointment { status startsAt lead { phone } } } } } }
            """;

        using var counter = new StatementCounter(fixture.Database.Name);
        Task<(JsonElement Edges, int Statements)> Page(int first) =>
            counter.CountAsync(async () => (await DataAsync(api, token, query, new { first })).GetProperty("leads").GetProperty("edges"));

        var (small, fewLeads) = await Page(5);
        var (edges, counted) = await Page(50);

        Assert.Equal(5, small.GetArrayLength());
        Assert.Equal(50, edges.GetArrayLength());
        Assert.All(edges.EnumerateArray(), e =>
        {
            var node = e.GetProperty("node");
            Assert.Equal("ENDED", node.GetProperty("lastCall").GetProperty("status").GetString());
            Assert.StartsWith("+1415555", node.GetProperty("lastAppointment").GetProperty("lead").GetProperty("phone").GetString());
        });
        // tenant settings, the page, the count, campaigns, last calls, last appointments, their leads: 7, whatever the page size;
        // plus 2 per bearer request before the operation: the revoked-application check (its own connection's settings, the lookup)
        Assert.True(counted <= 9 && counted == fewLeads, $"{counted} statements for 50 leads, {fewLeads} for 5:\n" + counter.Listing());
    }

    [Fact]
    public async Task Compute_kpis_for_a_range_and_a_campaign_and_nothing_of_another_tenant()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var other = await fixture.CreateTenantAsync();
        var since = DateTimeOffset.UtcNow;
        var (c0, c1) = (tenant.CampaignIds[0], tenant.CampaignIds[1]);
        var day = new DateTimeOffset(2021, 3, 10, 15, 0, 0, TimeSpan.Zero);
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            for (var i = 0; i < 4; i++)
            {
                var lead = new Core.Leads.Lead { CampaignId = i < 3 ? c0 : c1, PhoneE164 = $"+1646555{i:0000}", PhoneRaw = "x" };
                db.Leads.Add(lead);
                // leads 0-2 called; 0 and 1 connected; lead 0 called twice
                if (i < 3)
                {
                    var call = new CallLog { LeadId = lead.Id, CampaignId = lead.CampaignId, ProviderCallId = $"k-{Guid.NewGuid():N}", Status = CallStatus.Ended, DurationSeconds = i < 2 ? 90 : 0, StartedAt = i < 2 ? day : null };
                    db.CallLogs.Add(call);
                    db.UsageRecords.Add(new UsageRecord { CallLogId = call.Id, Seconds = 90, RatePerMinute = 0.20m, Cost = 0.30m, OccurredAt = day });
                }
                if (i == 0) db.CallLogs.Add(new CallLog { LeadId = lead.Id, CampaignId = c0, ProviderCallId = $"k-{Guid.NewGuid():N}", Status = CallStatus.Ended });
            }
            db.Appointments.AddRange(
                new Appointment { CampaignId = c0, ProviderBookingUid = $"k-{Guid.NewGuid():N}", StartsAt = day, EndsAt = day.AddMinutes(30), Status = AppointmentStatus.Shown },
                new Appointment { CampaignId = c0, ProviderBookingUid = $"k-{Guid.NewGuid():N}", StartsAt = day, EndsAt = day.AddMinutes(30), Status = AppointmentStatus.NoShow },
                new Appointment { CampaignId = c0, ProviderBookingUid = $"k-{Guid.NewGuid():N}", RescheduledFromUid = "k-old", StartsAt = day, EndsAt = day.AddMinutes(30), Status = AppointmentStatus.Shown });
            return await db.SaveChangesAsync();
        });
        // everything made above happened on 2021-03-10
        foreach (var table in new[] { "leads", "call_logs", "appointments" })
            await SqlAsync($"UPDATE {table} SET created_at = '{day:O}' WHERE client_id = '{tenant.Id}' AND created_at >= '{since:O}'");
        await fixture.InTenantAsync(other, async sp => { await fixture.CreateLeadAsync(other, "+16465559999"); return 0; });
        await SqlAsync($"UPDATE leads SET created_at = '{day:O}' WHERE client_id = '{other.Id}'");

        const string query = """
            query($from: DateTime, $to: DateTime, $campaignId: ID) { kpis(from: $from, to: $to, campaignId: $campaignId) {
              leads calls calledLeads contactedLeads contactRate appointmentsBooked appointmentsShown appointmentsVerified showRate
              usageCost { amount currency } costPerShow { amount currency } callsByDay { day count } leadsByStatus { status count } } }
            """;
        var month = new { from = "2021-03-01T00:00:00Z", to = "2021-04-01T00:00:00Z" };
        var k = (await DataAsync(api, token, query, month)).GetProperty("kpis");
        Assert.Equal(4, k.GetProperty("leads").GetInt32());
        Assert.Equal(4, k.GetProperty("calls").GetInt32());
        Assert.Equal(3, k.GetProperty("calledLeads").GetInt32());
        Assert.Equal(2, k.GetProperty("contactedLeads").GetInt32());
        Assert.Equal(2.0 / 3, k.GetProperty("contactRate").GetDouble(), 6);
        Assert.Equal(2, k.GetProperty("appointmentsBooked").GetInt32()); // the reschedule is not a new booking
        Assert.Equal(2, k.GetProperty("appointmentsShown").GetInt32());
        Assert.Equal(3, k.GetProperty("appointmentsVerified").GetInt32());
        Assert.Equal("0.90", k.GetProperty("usageCost").GetProperty("amount").GetString());
        Assert.Equal("usd", k.GetProperty("usageCost").GetProperty("currency").GetString());
        Assert.Equal("0.45", k.GetProperty("costPerShow").GetProperty("amount").GetString());
        Assert.Equal("2021-03-10", k.GetProperty("callsByDay")[0].GetProperty("day").GetString());
        Assert.Equal(4, k.GetProperty("callsByDay")[0].GetProperty("count").GetInt32());
        Assert.Equal(4, k.GetProperty("leadsByStatus")[0].GetProperty("count").GetInt32());

        var one = (await DataAsync(api, token, query, new { month.from, month.to, campaignId = GlobalId.Encode(CampaignGraphType.TypeName, c1) })).GetProperty("kpis");
        Assert.Equal(1, one.GetProperty("leads").GetInt32());
        Assert.Equal(0, one.GetProperty("calls").GetInt32());
        Assert.Equal(JsonValueKind.Null, one.GetProperty("costPerShow").ValueKind);

        // another tenant's campaign id counts nothing; an inverted range or a foreign id type is refused
        var foreign = (await DataAsync(api, token, query, new { month.from, month.to, campaignId = GlobalId.Encode(CampaignGraphType.TypeName, other.CampaignIds[0]) })).GetProperty("kpis");
        Assert.Equal(0, foreign.GetProperty("leads").GetInt32());
        foreach (var bad in new object[] { new { from = "2021-04-01T00:00:00Z", to = "2021-03-01T00:00:00Z" }, new { campaignId = GlobalId.Encode(LeadGraphType.TypeName, c1) } })
        {
            var (_, body) = await api.GraphQLAsync(query, bad, token);
            Assert.Equal("VALIDATION", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }
        // the leads list answers an inverted range as the KPIs do (the same for an empty one)
        foreach (var (from, to) in new[] { ("2021-04-01T00:00:00Z", "2021-03-01T00:00:00Z"), ("2021-04-01T00:00:00Z", "2021-04-01T00:00:00Z") })
        {
            var (_, leads) = await api.GraphQLAsync("query($f: DateTime, $t: DateTime) { leads(filter: { createdFrom: $f, createdTo: $t }) { totalCount nodes { id } } }", new { f = from, t = to }, token);
            var error = leads.GetProperty("errors")[0];
            Assert.Equal("VALIDATION", error.GetProperty("extensions").GetProperty("code").GetString());
            Assert.Contains("createdFrom", error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Count_all_time_leads_exactly_as_the_leads_themselves_after_inserts_updates_and_deletes()
    {
        // all time, the leads and leads by status come from the counters the database keeps (campaign_lead_counts):
        // they must equal counting the leads, whatever happened to them
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var other = await fixture.CreateTenantAsync();
        var (c0, c1) = (tenant.CampaignIds[0], tenant.CampaignIds[1]);
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++) ids.Add(await fixture.CreateLeadAsync(tenant, $"+1347555{i:0000}"));
        await fixture.CreateLeadAsync(other, "+13475559999");
        await SqlAsync($"UPDATE leads SET campaign_id = '{c1}' WHERE id IN ('{ids[0]}', '{ids[1]}', '{ids[2]}')");
        await SqlAsync($"UPDATE leads SET status = 'contacted' WHERE id IN ('{ids[3]}', '{ids[4]}', '{ids[5]}')");
        await SqlAsync($"UPDATE leads SET status = 'booked' WHERE id IN ('{ids[0]}', '{ids[6]}')");
        await SqlAsync($"UPDATE leads SET status = 'dnc' WHERE id = '{ids[7]}'");
        await SqlAsync($"UPDATE leads SET status = 'new' WHERE id = '{ids[7]}'"); // the dnc counter goes back to zero
        await SqlAsync($"DELETE FROM leads WHERE id IN ('{ids[4]}', '{ids[8]}')");

        const string query = """
            query($campaignId: ID) { kpis(campaignId: $campaignId) { leads leadsByStatus { status count } } }
            """;
        foreach (var campaign in new Guid?[] { null, c0, c1 })
        {
            var where = $"client_id = '{tenant.Id}'" + (campaign is { } c ? $" AND campaign_id = '{c}'" : "");
            var k = (await DataAsync(api, token, query, new { campaignId = campaign is { } id ? GlobalId.Encode(CampaignGraphType.TypeName, id) : null })).GetProperty("kpis");
            Assert.Equal(await fixture.CountAsync($"SELECT count(*) FROM leads WHERE {where}"), k.GetProperty("leads").GetInt32());
            var expected = new List<string>();
            foreach (var status in new[] { "booked", "callback", "contacted", "dnc", "new" })
                if (await fixture.CountAsync($"SELECT count(*) FROM leads WHERE {where} AND status = '{status}'") is var n and > 0)
                    expected.Add($"{status.ToUpperInvariant()}={n}");
            Assert.Equal(expected, k.GetProperty("leadsByStatus").EnumerateArray().Select(s => $"{s.GetProperty("status").GetString()}={s.GetProperty("count").GetInt32()}").ToList());
        }
    }

    [Fact]
    public async Task Never_show_another_tenants_leads()
    {
        var (a, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var b = await fixture.CreateTenantAsync();
        var bLead = await fixture.CreateLeadAsync(b, "+17185550123");
        var id = GlobalId.Encode(LeadGraphType.TypeName, bLead);
        var data = await DataAsync(api, token, "query($id: ID!) { lead(id: $id) { id } node(id: $id) { id } leads(first: 100, filter: { search: \"7185550123\" }) { totalCount } }", new { id });
        Assert.Equal(JsonValueKind.Null, data.GetProperty("lead").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("node").ValueKind);
        Assert.Equal(0, data.GetProperty("leads").GetProperty("totalCount").GetInt32());
    }
}
