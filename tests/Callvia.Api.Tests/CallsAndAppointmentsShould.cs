using System.Net;
using System.Text.Json;
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
public sealed class CallsAndAppointmentsShould(ApiFixture fixture)
{
    [Fact]
    public async Task Page_a_leads_calls_and_appointments_newest_first_and_filter_them()
    {
        var tenant = await fixture.CreateTenantAsync();
        var other = await fixture.CreateTenantAsync();
        var leadId = await fixture.CreateLeadAsync(tenant, "+12015550100");
        var start = new DateTimeOffset(2026, 6, 1, 14, 0, 0, TimeSpan.Zero);
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            for (var i = 0; i < 7; i++)
            {
                db.CallLogs.Add(new CallLog { LeadId = leadId, ProviderCallId = $"cq-{Guid.NewGuid():N}", Status = i == 0 ? CallStatus.Error : CallStatus.Ended });
                db.Appointments.Add(new Appointment { LeadId = leadId, ProviderBookingUid = $"aq-{Guid.NewGuid():N}", StartsAt = start.AddDays(i), EndsAt = start.AddDays(i).AddMinutes(30), Status = i == 6 ? AppointmentStatus.Cancelled : AppointmentStatus.Booked });
            }
            return await db.SaveChangesAsync();
        });
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var lead = GlobalId.Encode(LeadGraphType.TypeName, leadId);

        async Task<JsonElement> Data(string query, object variables)
        {
            var (status, body) = await api.GraphQLAsync(query, variables, token);
            Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
            return body.GetProperty("data");
        }
        const string calls = "query($lead: ID, $after: String, $status: CallStatus) { calls(first: 4, leadId: $lead, after: $after, status: $status) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status lead { id } } } } }";
        var page1 = (await Data(calls, new { lead })).GetProperty("calls");
        var page2 = (await Data(calls, new { lead, after = page1.GetProperty("pageInfo").GetProperty("endCursor").GetString() })).GetProperty("calls");
        Assert.Equal(7, page1.GetProperty("totalCount").GetInt32());
        Assert.True(page1.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(page2.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        var ids = page1.GetProperty("edges").EnumerateArray().Concat(page2.GetProperty("edges").EnumerateArray()).Select(e => e.GetProperty("node").GetProperty("id").GetString()).ToList();
        Assert.Equal(7, ids.Distinct().Count());
        Assert.All(page1.GetProperty("edges").EnumerateArray(), e => Assert.Equal(lead, e.GetProperty("node").GetProperty("lead").GetProperty("id").GetString()));
        Assert.Equal(1, (await Data(calls, new { lead, status = "ERROR" })).GetProperty("calls").GetProperty("totalCount").GetInt32());

        const string appointments = "query($lead: ID, $from: DateTime, $to: DateTime) { appointments(first: 10, leadId: $lead, from: $from, to: $to) { totalCount edges { node { startsAt status } } } }";
        var june = (await Data(appointments, new { lead, from = "2026-06-02T00:00:00Z", to = "2026-06-05T00:00:00Z" })).GetProperty("appointments");
        Assert.Equal(3, june.GetProperty("totalCount").GetInt32());
        Assert.Equal("2026-06-04T14:00:00Z", june.GetProperty("edges")[0].GetProperty("node").GetProperty("startsAt").GetString());

        // another tenant's lead id finds nothing
        var foreign = GlobalId.Encode(LeadGraphType.TypeName, await fixture.CreateLeadAsync(other, "+12015550199"));
        Assert.Equal(0, (await Data(calls, new { lead = foreign })).GetProperty("calls").GetProperty("totalCount").GetInt32());
    }
}
