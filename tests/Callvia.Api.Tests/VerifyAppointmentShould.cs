using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Callvia.Api.Appointments;
using Callvia.Api.GraphQL;
using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Callvia.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class VerifyAppointmentShould(ApiFixture fixture)
{
    private const string Verify = """
        mutation($id: ID!, $showed: Boolean!, $note: String) { verifyAppointment(id: $id, showed: $showed, note: $note) {
          appointment { id status clientAnswer clientNote clientAnsweredAt verificationSource verifiedAt } errors { field message code } } }
        """;

    private Task<Guid> AppointmentAsync(TestTenant tenant, TimeSpan startsIn, AppointmentStatus status = AppointmentStatus.Booked) =>
        fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var startsAt = DateTimeOffset.UtcNow.Add(startsIn);
            var a = new Appointment
            {
                ProviderBookingUid = $"va-{Guid.NewGuid():N}", StartsAt = startsAt, EndsAt = startsAt.AddMinutes(30), Status = status,
                CancelledAt = status == AppointmentStatus.Cancelled ? startsAt.AddDays(-1) : null,
            };
            db.Appointments.Add(a);
            await db.SaveChangesAsync();
            return a.Id;
        });

    private static async Task<JsonElement> VerifyAsync(HttpClient api, string? token, Guid id, bool showed, string? note = null)
    {
        var (status, body) = await api.GraphQLAsync(Verify, new { id = GlobalId.Encode(AppointmentGraphType.TypeName, id), showed, note }, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data").GetProperty("verifyAppointment");
    }

    private string Row(Guid id) => $"SELECT count(*) FROM appointments WHERE id = '{id}'";

    [Fact]
    public async Task Let_the_clients_answer_decide_and_let_it_correct_itself()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var id = await AppointmentAsync(tenant, TimeSpan.FromHours(-3));
        // the sweep may have decided before the client answers: the client's answer still decides
        await fixture.CountAsync($"WITH x AS (UPDATE appointments SET status = 'no_show', verification_source = 'none', verified_at = now() - interval '1 hour' WHERE id = '{id}' RETURNING 1) SELECT count(*) FROM x");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Servers.Redis);
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.GetSubscriber().SubscribeAsync(KpiNotifier.Channel(tenant.Id), (_, m) => notified.TrySetResult(m!));

        var shown = await VerifyAsync(api, token, id, showed: true, note: "  Came in at 10:05 ");

        Assert.Empty(shown.GetProperty("errors").EnumerateArray());
        var a = shown.GetProperty("appointment");
        Assert.Equal(("SHOWN", "CLIENT", true, "Came in at 10:05"), (a.GetProperty("status").GetString(), a.GetProperty("verificationSource").GetString(),
            a.GetProperty("clientAnswer").GetBoolean(), a.GetProperty("clientNote").GetString()));
        Assert.Equal(a.GetProperty("verifiedAt").GetString(), a.GetProperty("clientAnsweredAt").GetString());
        Assert.True(DateTimeOffset.Parse(a.GetProperty("verifiedAt").GetString()!) > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(1, await fixture.CountAsync(Row(id) + " AND status = 'shown' AND verification_source = 'client' AND client_answer AND client_answered_at = verified_at AND client_note = 'Came in at 10:05'"));
        Assert.Contains("appointments:verify", await notified.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        // the same answer again changes nothing (not even the times); a new note replaces the old one
        var same = (await VerifyAsync(api, token, id, showed: true, note: "front desk confirmed")).GetProperty("appointment");
        Assert.Equal(a.GetProperty("verifiedAt").GetString(), same.GetProperty("verifiedAt").GetString());
        Assert.Equal("front desk confirmed", same.GetProperty("clientNote").GetString());

        // a correction: the latest answer decides
        var corrected = (await VerifyAsync(api, token, id, showed: false)).GetProperty("appointment");
        Assert.Equal(("NO_SHOW", false, "front desk confirmed"), (corrected.GetProperty("status").GetString(), corrected.GetProperty("clientAnswer").GetBoolean(), corrected.GetProperty("clientNote").GetString()));
        Assert.True(DateTimeOffset.Parse(corrected.GetProperty("verifiedAt").GetString()!) >= DateTimeOffset.Parse(a.GetProperty("verifiedAt").GetString()!));
        Assert.Equal(1, await fixture.CountAsync(Row(id) + " AND status = 'no_show' AND NOT client_answer AND verification_source = 'client'"));
    }

    [Fact]
    public async Task Refuse_what_cannot_be_verified_and_change_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var future = await AppointmentAsync(tenant, TimeSpan.FromDays(1));
        var cancelled = await AppointmentAsync(tenant, TimeSpan.FromDays(-1), AppointmentStatus.Cancelled);
        var past = await AppointmentAsync(tenant, TimeSpan.FromDays(-1));

        async Task<(string? Field, string? Code, string? Message)> Error(Guid id, string? note = null)
        {
            var r = await VerifyAsync(api, token, id, true, note);
            Assert.Equal(JsonValueKind.Null, r.GetProperty("appointment").ValueKind);
            var e = r.GetProperty("errors")[0];
            return (e.GetProperty("field").GetString(), e.GetProperty("code").GetString(), e.GetProperty("message").GetString());
        }
        var notYet = await Error(future);
        Assert.Equal(("id", "VALIDATION"), (notYet.Field, notYet.Code));
        Assert.Contains("not started", notYet.Message);
        var gone = await Error(cancelled);
        Assert.Contains("cancelled", gone.Message);
        var tooLong = await Error(past, new string('n', AppointmentVerification.MaxNote + 1));
        Assert.Equal(("note", "VALIDATION"), (tooLong.Field, tooLong.Code));
        var unknown = await Error(Guid.NewGuid());
        Assert.Equal(("id", "NOT_FOUND"), (unknown.Field, unknown.Code));
        var (_, wrongType) = await api.GraphQLAsync(Verify, new { id = GlobalId.Encode("Lead", past), showed = true }, token);
        Assert.Equal("NOT_FOUND", wrongType.GetProperty("data").GetProperty("verifyAppointment").GetProperty("errors")[0].GetProperty("code").GetString());

        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE id IN ('{future}', '{past}') AND status = 'booked' AND client_answer IS NULL AND verified_at IS NULL AND client_note IS NULL"));
        Assert.Equal(1, await fixture.CountAsync(Row(cancelled) + " AND status = 'cancelled' AND client_answer IS NULL"));
    }

    [Fact]
    public async Task Verify_over_REST_with_problem_details_for_bad_input()
    {
        var tenant = await fixture.CreateTenantAsync();
        var other = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var id = await AppointmentAsync(tenant, TimeSpan.FromHours(-2));
        var cancelled = await AppointmentAsync(tenant, TimeSpan.FromHours(-2), AppointmentStatus.Cancelled);
        var theirs = await AppointmentAsync(other, TimeSpan.FromHours(-2));

        async Task<(HttpStatusCode Status, JsonElement Body, string? Type)> Post(object? body, string? bearer = "", string? raw = null, string contentType = "application/json")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments/verify")
            {
                Content = raw is not null ? new StringContent(raw, System.Text.Encoding.UTF8, contentType) : JsonContent.Create(body),
            };
            if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer == "" ? token : bearer);
            using var response = await api.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length > 0 ? JsonSerializer.Deserialize<JsonElement>(text) : default, response.Content.Headers.ContentType?.MediaType);
        }

        var ok = await Post(new { appointmentId = id, showed = false, note = "No answer at the door" });
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal((id.ToString(), "no_show", "client", false, "No answer at the door"), (ok.Body.GetProperty("id").GetString(), ok.Body.GetProperty("status").GetString(),
            ok.Body.GetProperty("verificationSource").GetString(), ok.Body.GetProperty("clientAnswer").GetBoolean(), ok.Body.GetProperty("clientNote").GetString()));
        // the GraphQL id is accepted too
        Assert.Equal(HttpStatusCode.OK, (await Post(new { appointmentId = GlobalId.Encode(AppointmentGraphType.TypeName, id), showed = false })).Status);

        var bad = await Post(new { appointmentId = "nope", showed = "yes" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("application/problem+json", bad.Type);
        Assert.Equal(["appointmentId", "showed"], bad.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray());
        var longNote = await Post(new { appointmentId = id, showed = true, note = new string('n', AppointmentVerification.MaxNote + 1) });
        Assert.Equal(HttpStatusCode.BadRequest, longNote.Status);
        Assert.True(longNote.Body.GetProperty("errors").TryGetProperty("note", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(null, raw: "{ not json")).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Post(null, raw: "appointmentId=1", contentType: "application/x-www-form-urlencoded")).Status);
        var conflict = await Post(new { appointmentId = cancelled, showed = true });
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.True(conflict.Body.GetProperty("errors").TryGetProperty("appointmentId", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await Post(new { appointmentId = theirs, showed = true })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Post(new { appointmentId = Guid.NewGuid(), showed = true })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(new { appointmentId = id, showed = true }, bearer: null)).Status);

        Assert.Equal(1, await fixture.CountAsync(Row(id) + " AND status = 'no_show' AND NOT client_answer"));
        Assert.Equal(1, await fixture.CountAsync(Row(theirs) + " AND status = 'booked' AND client_answer IS NULL"));
        Assert.Equal(1, await fixture.CountAsync(Row(cancelled) + " AND status = 'cancelled' AND client_answer IS NULL"));
    }

    [Fact]
    public async Task Never_reach_another_tenants_appointment_and_refuse_anonymous_callers()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var theirs = await AppointmentAsync(b, TimeSpan.FromHours(-2));
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);

        var r = await VerifyAsync(api, token, theirs, showed: true);
        Assert.Equal(("id", "NOT_FOUND"), (r.GetProperty("errors")[0].GetProperty("field").GetString(), r.GetProperty("errors")[0].GetProperty("code").GetString()));
        var (anonymous, body) = await api.GraphQLAsync(Verify, new { id = GlobalId.Encode(AppointmentGraphType.TypeName, theirs), showed = true });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal("UNAUTHENTICATED", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var (onB, _) = await apiB.GraphQLAsync(Verify, new { id = GlobalId.Encode(AppointmentGraphType.TypeName, theirs), showed = true }, token);
        Assert.Equal(HttpStatusCode.Unauthorized, onB);

        Assert.Equal(1, await fixture.CountAsync(Row(theirs) + " AND status = 'booked' AND client_answer IS NULL"));
    }

    [Fact]
    public async Task Let_a_client_user_verify_from_a_portal_session()
    {
        var tenant = await fixture.CreateTenantAsync();
        var email = $"desk@{tenant.Slug}.test";
        await fixture.InTenantAsync(tenant, async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, ClientId = tenant.Id, DisplayName = "Front desk" };
            Assert.True((await users.CreateAsync(user, TestData.Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.ClientUser)).Succeeded);
            return 0;
        });
        var id = await AppointmentAsync(tenant, TimeSpan.FromHours(-1));
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(tenant.Slug, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(email, TestData.Password)).StatusCode);
        using var api = fixture.Api.CreateClient(tenant.Slug, cookies);

        var r = await VerifyAsync(api, token: null, id, showed: true);

        Assert.Equal("SHOWN", r.GetProperty("appointment").GetProperty("status").GetString());
    }
}
