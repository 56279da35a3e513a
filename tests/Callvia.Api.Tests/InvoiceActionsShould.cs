using System.Net;
using System.Text.Json;
using Callvia.Api.Billing;
using Callvia.Api.GraphQL;
using Callvia.Testing;
using Xunit;
using static Callvia.Api.Tests.AdminHelpers;

namespace Callvia.Api.Tests;

/// <summary>voidInvoice, creditInvoice, retryInvoice over HTTP: the agency's only, bad input named and changing nothing, audited.</summary>
[Collection(ApiCollection.Name)]
public sealed class InvoiceActionsShould(ApiFixture fixture)
{
    private const string Void = "mutation($id: ID!, $r: String!) { voidInvoice(id: $id, reason: $r) { invoice { status simulated milestone { status } } errors { field code message } } }";
    private const string Credit = "mutation($id: ID!, $a: Decimal!, $r: String!) { creditInvoice(id: $id, amount: $a, reason: $r) { invoice { id } errors { field code message } } }";
    private const string Retry = "mutation($id: ID!) { retryInvoice(id: $id) { invoice { id } errors { field code } } }";

    private static JsonElement Payload(JsonElement body, string field)
    {
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data").GetProperty(field);
    }

    [Fact]
    public async Task Void_a_simulated_milestone_invoice_for_the_agency_only_and_name_bad_input()
    {
        var (tenant, api, token) = await PartnerTenantAsync(fixture, fixture.Api);
        await fixture.ShownAppointmentsAsync(tenant, 25); // milestone 2, its invoice simulated (no Stripe keys here)
        var invoiceId = await fixture.TextAsync($"SELECT i.id::text FROM invoices i JOIN milestones m ON m.invoice_id = i.id WHERE m.client_id = '{tenant.Id}' AND m.number = 2");
        var id = GlobalId.Encode(InvoiceGraphType.TypeName, Guid.Parse(invoiceId!));
        var before = await fixture.FingerprintAsync(tenant.Id);

        // the client's partner and its admin are refused; nothing changes
        var (_, partner) = await api.GraphQLAsync(Void, new { id, r = "mine" }, token);
        Assert.Equal("FORBIDDEN", partner.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        using (var admin = await SessionAsync(fixture, tenant.Slug, tenant.AdminEmail))
        {
            var (_, refused) = await admin.GraphQLAsync(Void, new { id, r = "mine" });
            Assert.Equal("FORBIDDEN", refused.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GraphQLAsync(Void, new { id, r = "x" })).Status);

        using var agency = await AgencySessionAsync(fixture);
        var (_, blank) = await agency.GraphQLAsync(Void, new { id, r = "   " });
        Assert.Equal(("reason", "VALIDATION"), (Payload(blank, "voidInvoice").GetProperty("errors")[0].GetProperty("field").GetString(),
            Payload(blank, "voidInvoice").GetProperty("errors")[0].GetProperty("code").GetString()));
        var (_, notOne) = await agency.GraphQLAsync(Void, new { id = GlobalId.Encode("Lead", Guid.NewGuid()), r = "x" });
        Assert.Equal("NOT_FOUND", Payload(notOne, "voidInvoice").GetProperty("errors")[0].GetProperty("code").GetString());
        var (_, open) = await agency.GraphQLAsync(Credit, new { id, a = "10.00", r = "goodwill" });
        Assert.Equal("CONFLICT", Payload(open, "creditInvoice").GetProperty("errors")[0].GetProperty("code").GetString());
        var (_, notGivenUp) = await agency.GraphQLAsync(Retry, new { id });
        Assert.Equal("CONFLICT", Payload(notGivenUp, "retryInvoice").GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(before, await fixture.FingerprintAsync(tenant.Id));

        var (status, voided) = await agency.GraphQLAsync(Void, new { id, r = "Test bookings" });
        Assert.Equal(HttpStatusCode.OK, status);
        var payload = Payload(voided, "voidInvoice");
        Assert.Equal(0, payload.GetProperty("errors").GetArrayLength());
        Assert.Equal(("VOID", true), (payload.GetProperty("invoice").GetProperty("status").GetString(), payload.GetProperty("invoice").GetProperty("simulated").GetBoolean()));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM milestones WHERE client_id = '{tenant.Id}' AND number = 2 AND status = 'void'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE client_id = '{tenant.Id}' AND action = 'invoice.voided' AND actor = '{TestData.AgencyAdminEmail}'"));
        // the client reads it void
        var (_, read) = await api.GraphQLAsync("{ milestones { number status invoice { status } } }", null, token);
        var second = read.GetProperty("data").GetProperty("milestones").EnumerateArray().Single(m => m.GetProperty("number").GetInt32() == 2);
        Assert.Equal(("VOID", "VOID"), (second.GetProperty("status").GetString(), second.GetProperty("invoice").GetProperty("status").GetString()));
    }
}
