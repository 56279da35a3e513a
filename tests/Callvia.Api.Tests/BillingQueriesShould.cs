using System.Net;
using System.Text.Json;
using Callvia.Api.Billing;
using Callvia.Api.GraphQL;
using Callvia.Core.Appointments;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>invoices, milestones, usageRecords, Call.usage, Lead.calls / Lead.appointments: content, order, batching.</summary>
[Collection(ApiCollection.Name)]
public sealed class BillingQueriesShould(ApiFixture fixture)
{

    private static async Task<JsonElement> DataAsync(HttpClient api, string? token, string query, object? variables = null)
    {
        var (status, body) = await api.GraphQLAsync(query, variables, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data");
    }

    [Fact]
    public async Task Page_invoices_newest_first_with_amounts_in_cents_as_money_and_list_milestones_and_usage()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var jan = new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
        var callId = await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            db.Invoices.Add(new Invoice { Kind = InvoiceKind.Usage, Period = "2026-01", AmountCents = 1234, Status = InvoiceStatus.Paid, CreatedAt = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero) });
            db.Invoices.Add(new Invoice { Kind = InvoiceKind.Usage, Period = "2026-02", AmountCents = 5, Status = InvoiceStatus.Open, CreatedAt = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero) });
            var call = new CallLog { ProviderCallId = $"bq-{Guid.NewGuid():N}", Status = CallStatus.Ended, CreatedAt = jan, DurationSeconds = 90 };
            db.CallLogs.Add(call);
            db.UsageRecords.Add(new UsageRecord { CallLogId = call.Id, Seconds = 90, RatePerMinute = 0.2m, Cost = UsageCost.Of(90, 0.2m), OccurredAt = jan });
            await db.SaveChangesAsync();
            return call.Id;
        });

        const string invoices = "query($after: String) { invoices(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id kind period status amount { amount currency } milestone { number } } } }";
        var page1 = (await DataAsync(api, token, invoices)).GetProperty("invoices");
        var page2 = (await DataAsync(api, token, invoices, new { after = page1.GetProperty("pageInfo").GetProperty("endCursor").GetString() })).GetProperty("invoices");
        var all = page1.GetProperty("nodes").EnumerateArray().Concat(page2.GetProperty("nodes").EnumerateArray()).ToList();
        Assert.Equal(3, page1.GetProperty("totalCount").GetInt32());
        Assert.False(page2.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        // TestData's milestone invoice is the newest; then March's, then February's
        Assert.Equal(new string?[] { null, "2026-02", "2026-01" }, all.Select(i => i.GetProperty("period").GetString()).ToArray());
        Assert.Equal(new string?[] { "2000.00", "0.05", "12.34" }, all.Select(i => i.GetProperty("amount").GetProperty("amount").GetString()).ToArray());
        Assert.Equal(new string?[] { "MILESTONE", "USAGE", "USAGE" }, all.Select(i => i.GetProperty("kind").GetString()).ToArray());
        Assert.Equal(new string?[] { "OPEN", "PAID" }, all.Skip(1).Select(i => i.GetProperty("status").GetString()).ToArray());
        Assert.Equal("usd", all[0].GetProperty("amount").GetProperty("currency").GetString());
        Assert.Equal(1, all[0].GetProperty("milestone").GetProperty("number").GetInt32());

        var milestones = (await DataAsync(api, token, "{ milestones { id number shownCount status amount { amount currency } invoice { id amount { amount } } } }")).GetProperty("milestones");
        var m = Assert.Single(milestones.EnumerateArray());
        Assert.Equal((1, 25, "PENDING", "2000.00"), (m.GetProperty("number").GetInt32(), m.GetProperty("shownCount").GetInt32(), m.GetProperty("status").GetString(), m.GetProperty("amount").GetProperty("amount").GetString()));
        Assert.Equal(all[0].GetProperty("id").GetString(), m.GetProperty("invoice").GetProperty("id").GetString());

        const string usage = "query($from: DateTime, $to: DateTime) { usageRecords(first: 10, from: $from, to: $to) { totalCount nodes { seconds ratePerMinute { amount } cost { amount currency } occurredAt invoice { id } call { id usage { seconds } } } } }";
        var january = (await DataAsync(api, token, usage, new { from = "2026-01-01T00:00:00Z", to = "2026-02-01T00:00:00Z" })).GetProperty("usageRecords");
        var u = Assert.Single(january.GetProperty("nodes").EnumerateArray());
        Assert.Equal((90, "0.20", "0.30", "usd"), (u.GetProperty("seconds").GetInt32(), u.GetProperty("ratePerMinute").GetProperty("amount").GetString(),
            u.GetProperty("cost").GetProperty("amount").GetString(), u.GetProperty("cost").GetProperty("currency").GetString()));
        Assert.Equal(JsonValueKind.Null, u.GetProperty("invoice").ValueKind); // unbilled
        Assert.Equal(GlobalId.Encode("Call", callId), u.GetProperty("call").GetProperty("id").GetString());
        Assert.Equal(90, u.GetProperty("call").GetProperty("usage").GetProperty("seconds").GetInt32());
        Assert.Equal(2, (await DataAsync(api, token, usage)).GetProperty("usageRecords").GetProperty("totalCount").GetInt32());
        var (_, inverted) = await api.GraphQLAsync(usage, new { from = "2026-02-01T00:00:00Z", to = "2026-01-01T00:00:00Z" }, token);
        Assert.Equal("VALIDATION", inverted.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());

        // node(id) knows the new types
        var nodes = await DataAsync(api, token, "query($i: ID!, $m: ID!) { i: node(id: $i) { __typename id } m: node(id: $m) { __typename ... on Milestone { number } } }",
            new { i = all[1].GetProperty("id").GetString(), m = m.GetProperty("id").GetString() });
        Assert.Equal("Invoice", nodes.GetProperty("i").GetProperty("__typename").GetString());
        Assert.Equal(1, nodes.GetProperty("m").GetProperty("number").GetInt32());
    }

    [Fact]
    public async Task Answer_the_billing_summary_invoice_lines_and_each_milestones_evidence_with_its_corrections()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        // last month's usage, closed into a usage invoice as the jobs service does (no Stripe keys here: simulated)
        var lastMonth = BillingMonth.Previous("UTC", DateTimeOffset.UtcNow);
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            foreach (var seconds in new[] { 90, 30 })
            {
                var call = new CallLog { ProviderCallId = $"bs-{Guid.NewGuid():N}", Status = CallStatus.Ended, CreatedAt = lastMonth.Start.AddDays(2), DurationSeconds = seconds };
                db.CallLogs.Add(call);
                db.UsageRecords.Add(new UsageRecord { CallLogId = call.Id, Seconds = seconds, RatePerMinute = 0.2m, Cost = UsageCost.Of(seconds, 0.2m), OccurredAt = lastMonth.Start.AddDays(2) });
            }
            await db.SaveChangesAsync();
            return await sp.GetRequiredService<UsageInvoices>().CloseAsync(default);
        });
        // and one call this month, not yet invoiced: 0.005 rounds once at the total
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var call = new CallLog { ProviderCallId = $"bs-{Guid.NewGuid():N}", Status = CallStatus.Ended, CreatedAt = DateTimeOffset.UtcNow, DurationSeconds = 3 };
            db.CallLogs.Add(call);
            db.UsageRecords.Add(new UsageRecord { CallLogId = call.Id, Seconds = 3, RatePerMinute = 0.2m, Cost = 0.01m, OccurredAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        // 26 shown (milestone 2 and one in the pool), then one of milestone 2 corrected: the pool's fills its place
        var ids = await fixture.ShownAppointmentsAsync(tenant, 26);
        await fixture.AnswerAsync(tenant, ids[3], false);

        var data = await DataAsync(api, token, """
            { billing { currentPeriod { calls seconds } projectedInvoice { amount } unbilledCalls
                        milestoneProgress { shown size reached next towardNext openPlaces amount { amount } } }
              invoices { nodes { kind period simulated description amount { amount } lines { description calls minutes cost { amount } amount { amount } late } } }
              milestones { number evidenceUrl openPlaces
                           evidence { place appointmentId rule ruleText source verifiedBy note replacesAppointmentId removedAt removedReason }
                           invoice { simulated amount { amount } lines { amount { amount } } } } }
            """);
        var progress = data.GetProperty("billing").GetProperty("milestoneProgress");
        Assert.Equal((25, 25, 2, 3, 0, 0), (progress.GetProperty("shown").GetInt32(), progress.GetProperty("size").GetInt32(), progress.GetProperty("reached").GetInt32(),
            progress.GetProperty("next").GetInt32(), progress.GetProperty("towardNext").GetInt32(), progress.GetProperty("openPlaces").GetInt32()));
        Assert.Equal("0.01", data.GetProperty("billing").GetProperty("projectedInvoice").GetProperty("amount").GetString());
        Assert.Equal(1, data.GetProperty("billing").GetProperty("unbilledCalls").GetInt32());

        var usage = data.GetProperty("invoices").GetProperty("nodes").EnumerateArray().Single(i => i.GetProperty("period").GetString() == lastMonth.Period);
        Assert.True(usage.GetProperty("simulated").GetBoolean());
        Assert.Equal("0.40", usage.GetProperty("amount").GetProperty("amount").GetString());
        var line = Assert.Single(usage.GetProperty("lines").EnumerateArray());
        Assert.Equal((2, "2.00", "0.40", false), (line.GetProperty("calls").GetInt32(), line.GetProperty("minutes").GetString(),
            line.GetProperty("amount").GetProperty("amount").GetString(), line.GetProperty("late").GetBoolean()));

        var second = data.GetProperty("milestones").EnumerateArray().Single(m => m.GetProperty("number").GetInt32() == 2);
        Assert.EndsWith("/billing/milestones/2", second.GetProperty("evidenceUrl").GetString());
        Assert.Contains(tenant.Slug, second.GetProperty("evidenceUrl").GetString());
        Assert.Equal(0, second.GetProperty("openPlaces").GetInt32());
        var evidence = second.GetProperty("evidence").EnumerateArray().ToList();
        var counting = evidence.Where(e => e.GetProperty("removedAt").ValueKind == JsonValueKind.Null).ToList();
        Assert.Equal(Enumerable.Range(1, 25), counting.Select(e => e.GetProperty("place").GetInt32()));
        Assert.All(counting, e => Assert.Equal((1, "CLIENT"), (e.GetProperty("rule").GetInt32(), e.GetProperty("source").GetString())));
        var removed = Assert.Single(evidence, e => e.GetProperty("removedAt").ValueKind != JsonValueKind.Null);
        Assert.Equal(GlobalId.Encode("Appointment", ids[3]), removed.GetProperty("appointmentId").GetString());
        Assert.StartsWith("Corrected to no-show", removed.GetProperty("removedReason").GetString());
        var filler = counting.Single(e => e.GetProperty("place").GetInt32() == 4);
        Assert.Equal(GlobalId.Encode("Appointment", ids[25]), filler.GetProperty("appointmentId").GetString());
        Assert.Equal(GlobalId.Encode("Appointment", ids[3]), filler.GetProperty("replacesAppointmentId").GetString());
        var invoice = second.GetProperty("invoice");
        Assert.True(invoice.GetProperty("simulated").GetBoolean());
        Assert.Equal("2000.00", Assert.Single(invoice.GetProperty("lines").EnumerateArray()).GetProperty("amount").GetProperty("amount").GetString());

        // another client sees none of it
        var (_, otherApi, otherToken) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var theirs = await DataAsync(otherApi, otherToken, "{ billing { milestoneProgress { shown reached } } milestones { number evidence { appointmentId } } }");
        Assert.Equal(0, theirs.GetProperty("billing").GetProperty("milestoneProgress").GetProperty("shown").GetInt32());
        Assert.DoesNotContain(GlobalId.Encode("Appointment", ids[0]), theirs.ToString());
    }

    [Fact]
    public async Task Show_nothing_of_another_tenants_billing_and_refuse_anonymous_callers()
    {
        var (_, apiA, tokenA) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var (_, apiB, tokenB) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        const string everything = "{ invoices { nodes { id } } milestones { id } usageRecords { nodes { id } } }";
        var theirs = await DataAsync(apiB, tokenB, everything);
        var ids = new[]
        {
            theirs.GetProperty("invoices").GetProperty("nodes")[0].GetProperty("id").GetString(),
            theirs.GetProperty("milestones")[0].GetProperty("id").GetString(),
            theirs.GetProperty("usageRecords").GetProperty("nodes")[0].GetProperty("id").GetString(),
        };

        var mine = await DataAsync(apiA, tokenA, everything);
        Assert.Single(mine.GetProperty("invoices").GetProperty("nodes").EnumerateArray());
        Assert.Single(mine.GetProperty("milestones").EnumerateArray());
        Assert.Single(mine.GetProperty("usageRecords").GetProperty("nodes").EnumerateArray());
        foreach (var id in ids)
        {
            Assert.DoesNotContain(id!, mine.ToString());
            Assert.Equal(JsonValueKind.Null, (await DataAsync(apiA, tokenA, "query($id: ID!) { node(id: $id) { id } }", new { id })).GetProperty("node").ValueKind);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await apiA.GraphQLAsync(everything)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await apiB.GraphQLAsync(everything, bearer: tokenA)).Status);
    }

    [Fact]
    public async Task Load_leads_with_their_calls_usage_and_appointments_and_billing_navigations_in_a_bounded_number_of_statements()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var since = DateTimeOffset.UtcNow;
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var now = since;
            for (var i = 0; i < 30; i++)
            {
                var lead = new Core.Leads.Lead { CampaignId = tenant.CampaignIds[1], PhoneE164 = $"+1646555{i:0000}", PhoneRaw = "x", CreatedAt = now.AddMinutes(i) };
                db.Leads.Add(lead);
                for (var k = 0; k < 3; k++)
                {
                    var call = new CallLog { LeadId = lead.Id, CampaignId = lead.CampaignId, ProviderCallId = $"nb-{Guid.NewGuid():N}", Status = CallStatus.Ended, CreatedAt = now.AddSeconds(k) };
                    db.CallLogs.Add(call);
                    db.UsageRecords.Add(new UsageRecord { CallLogId = call.Id, Seconds = 60 + k, RatePerMinute = 0.2m, Cost = UsageCost.Of(60 + k, 0.2m), OccurredAt = now });
                    db.Appointments.Add(new Appointment { LeadId = lead.Id, ProviderBookingUid = $"nb-{Guid.NewGuid():N}", StartsAt = now.AddDays(k), EndsAt = now.AddDays(k).AddMinutes(30) });
                }
            }
            return await db.SaveChangesAsync();
        });
        const string query = """
            query($first: Int, $from: DateTime) {
              leads(first: $first, filter: { createdFrom: $from }) { edges { node { id
                calls(first: 2) { id createdAt usage { seconds cost { amount currency } invoice { id } } }
                appointments(first: 2) { startsAt }
                c: calls { id } } } }
              usageRecords(first: $first) { nodes { id call { id } invoice { id } cost { amount } } }
              invoices(first: 10) { nodes { id milestone { number invoice { id } } } }
            }
            """;

        using var counter = new StatementCounter(fixture.Database.Name);
        Task<(JsonElement Data, int Statements)> Run(int first) => counter.CountAsync(() => DataAsync(api, token, query, new { first, from = since }));

        var (_, few) = await Run(3);
        var (data, many) = await Run(30);

        var leads = data.GetProperty("leads").GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node")).ToList();
        Assert.Equal(30, leads.Count);
        Assert.All(leads, l =>
        {
            var calls = l.GetProperty("calls").EnumerateArray().ToList();
            Assert.Equal(2, calls.Count);
            Assert.Equal(3, l.GetProperty("c").GetArrayLength());
            // newest first, each with its own usage
            Assert.True(string.CompareOrdinal(calls[0].GetProperty("createdAt").GetString(), calls[1].GetProperty("createdAt").GetString()) > 0);
            Assert.Equal(62, calls[0].GetProperty("usage").GetProperty("seconds").GetInt32());
            var appointments = l.GetProperty("appointments").EnumerateArray().Select(a => a.GetProperty("startsAt").GetString()).ToList();
            Assert.Equal(2, appointments.Count);
            Assert.True(string.CompareOrdinal(appointments[0], appointments[1]) > 0);
        });
        Assert.Equal(30, data.GetProperty("usageRecords").GetProperty("nodes").GetArrayLength());
        // tenant settings; leads page; usage page; its invoices; calls(2); calls(default); appointments; usage's calls;
        // the client's currency; invoices page's milestones; the calls' usage; its invoices; the currency at that level:
        // the same for 3 leads as for 30
        // 13 for the operation, plus 2 per bearer request: the revoked-application check (its connection's settings, the lookup)
        Assert.True(many == few && many <= 15, $"{many} statements for 30 leads, {few} for 3:\n" + counter.Listing(140));
    }
}
