using System.Net;
using System.Text.Json;
using Callvia.Api.Appointments;
using Callvia.Api.GraphQL;
using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Messaging;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Callvia.Api.Tests.AdminHelpers;

namespace Callvia.Api.Tests;

/// <summary>The client's message templates and switches through GraphQL: who may change them, what is refused, the preview.</summary>
[Collection(ApiCollection.Name)]
public sealed class MessageTemplatesShould(ApiFixture fixture)
{
    private const string List = "{ messageTemplates { kind channel subject body custom enabled } messagePlaceholders { name description } }";
    private const string Update = """
        mutation($kind: String!, $channel: MessageChannel!, $subject: String, $body: String!) {
          updateMessageTemplate(kind: $kind, channel: $channel, subject: $subject, body: $body) {
            template { kind channel subject body custom enabled } errors { field message code } } }
        """;
    private const string Reset = """
        mutation($kind: String!, $channel: MessageChannel!) { resetMessageTemplate(kind: $kind, channel: $channel) { template { body custom } errors { field code } } }
        """;
    private const string Switch = """
        mutation($kind: String!, $enabled: Boolean!) { setMessageKindEnabled(kind: $kind, enabled: $enabled) { templates { kind channel enabled } errors { field message code } } }
        """;
    private const string Preview = """
        query($kind: String!, $channel: MessageChannel!, $subject: String, $body: String) {
          previewMessageTemplate(kind: $kind, channel: $channel, subject: $subject, body: $body) {
            preview { subject body sms { encoding units segments } } errors { field message code } } }
        """;

    [Fact]
    public async Task List_every_kind_with_its_default_and_let_an_admin_change_reset_and_switch_it()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var admin = await SessionAsync(fixture, tenant.Slug, tenant.AdminEmail);
        var (_, listed) = await admin.GraphQLAsync(List);
        var templates = Data(listed, "messageTemplates").EnumerateArray().ToList();
        Assert.Equal(MessageTemplates.Defaults.Count, templates.Count);
        Assert.Contains(templates, t => t.GetProperty("kind").GetString() == "reminder_24h" && t.GetProperty("channel").GetString() == "EMAIL"
                                        && t.GetProperty("subject").GetString()!.Contains("{{business_name}}"));
        // the test tenant comes with its own wording of rebook_3 (TestData); every other kind is the default
        Assert.Equal(["rebook_3"], templates.Where(t => t.GetProperty("custom").GetBoolean()).Select(t => t.GetProperty("kind").GetString()!).ToArray());
        Assert.Contains(Data(listed, "messagePlaceholders").EnumerateArray(), p => p.GetProperty("name").GetString() == "reschedule_link");

        var (_, updated) = await admin.GraphQLAsync(Update, new { kind = "reminder_2h", channel = "SMS", body = "  Hi {{ first_name }}, see you at {{time}}.  " });
        var template = Data(updated, "updateMessageTemplate").GetProperty("template");
        Assert.Equal("Hi {{ first_name }}, see you at {{time}}.", template.GetProperty("body").GetString());
        Assert.True(template.GetProperty("custom").GetBoolean());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE client_id = '{tenant.Id}' AND action = 'message_template.update'"));

        var (_, off) = await admin.GraphQLAsync(Switch, new { kind = "reminder_2h", enabled = false });
        Assert.Empty(UserErrors(Data(off, "setMessageKindEnabled")));
        Assert.False(Data(off, "setMessageKindEnabled").GetProperty("templates").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "reminder_2h").GetProperty("enabled").GetBoolean());
        Assert.Equal("{reminder_2h}", await fixture.TextAsync($"SELECT message_kinds_off::text FROM clients WHERE id = '{tenant.Id}'"));

        var (_, reset) = await admin.GraphQLAsync(Reset, new { kind = "reminder_2h", channel = "SMS" });
        Assert.False(Data(reset, "resetMessageTemplate").GetProperty("template").GetProperty("custom").GetBoolean());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM message_templates WHERE client_id = '{tenant.Id}' AND kind = 'reminder_2h'"));
    }

    [Fact]
    public async Task Refuse_unknown_placeholders_kinds_and_channels_with_a_field_error_and_change_nothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var admin = await SessionAsync(fixture, tenant.Slug, tenant.AdminEmail);
        var before = await fixture.FingerprintAsync(tenant.Id);
        var cases = new (object Variables, string Error)[]
        {
            (new { kind = "reminder_24h", channel = "SMS", body = "Hi {{firstname}}, {{time}}" }, "body:VALIDATION"),
            (new { kind = "reminder_24h", channel = "SMS", body = "Hi {{first_name}, see you" }, "body:VALIDATION"),
            (new { kind = "reminder_24h", channel = "SMS", body = "   " }, "body:VALIDATION"),
            (new { kind = "reminder_24h", channel = "SMS", body = new string('x', 1601) }, "body:VALIDATION"),
            (new { kind = "reminder_24h", channel = "SMS", subject = "Hello", body = "Hi" }, "subject:VALIDATION"),
            (new { kind = "reminder_24h", channel = "EMAIL", subject = "Your {{dat}}", body = "Hi" }, "subject:VALIDATION"),
            (new { kind = "reminder_24h", channel = "EMAIL", body = "Hi" }, "subject:VALIDATION"),
            (new { kind = "reminder_2h", channel = "EMAIL", subject = "x", body = "Hi" }, "channel:VALIDATION"),
            (new { kind = "birthday", channel = "SMS", body = "Hi" }, "kind:VALIDATION"),
        };
        foreach (var (variables, error) in cases)
        {
            var (status, body) = await admin.GraphQLAsync(Update, variables);
            Assert.Equal(HttpStatusCode.OK, status);
            var payload = Data(body, "updateMessageTemplate");
            Assert.Equal([error], UserErrors(payload));
            Assert.Equal(JsonValueKind.Null, payload.GetProperty("template").ValueKind);
        }
        var (_, unknown) = await admin.GraphQLAsync(Update, new { kind = "reminder_24h", channel = "SMS", body = "Hi {{firstname}}" });
        Assert.Contains("{{firstname}}", Data(unknown, "updateMessageTemplate").GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(["kind:VALIDATION"], UserErrors(Data((await admin.GraphQLAsync(Switch, new { kind = "manual", enabled = false })).Body, "setMessageKindEnabled")));
        Assert.Equal(before, await fixture.FingerprintAsync(tenant.Id));
    }

    [Fact]
    public async Task Let_only_admins_change_them_and_keep_each_clients_own()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var plain = await CreateClientUserAsync(fixture, a);
        using var user = await SessionAsync(fixture, a.Slug, plain);
        var change = new { kind = "checkin", channel = "SMS", body = "Did you come, {{first_name}}?" };
        Assert.Equal("FORBIDDEN", Code((await user.GraphQLAsync(Update, change)).Body));
        Assert.Equal("FORBIDDEN", Code((await user.GraphQLAsync(Switch, new { kind = "checkin", enabled = false })).Body));
        using var api = fixture.Api.CreateClient(a.Slug);
        var token = await TokenAsync(fixture, a);
        Assert.Equal("FORBIDDEN", Code((await api.GraphQLAsync(Update, change, token)).Body));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GraphQLAsync(Update, change)).Status);
        // reading is every caller's: the partner sees the defaults
        var (_, read) = await api.GraphQLAsync(List, null, token);
        Assert.Equal(MessageTemplates.Defaults.Count, Data(read, "messageTemplates").GetArrayLength());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM message_templates WHERE client_id = '{a.Id}' AND kind = 'checkin'"));

        using var adminA = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        await adminA.GraphQLAsync(Update, change);
        using var adminB = await SessionAsync(fixture, b.Slug, b.AdminEmail);
        var theirs = Data((await adminB.GraphQLAsync(List)).Body, "messageTemplates").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "checkin");
        Assert.False(theirs.GetProperty("custom").GetBoolean());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM message_templates WHERE client_id = '{a.Id}' AND kind = 'checkin'"));
    }

    [Fact]
    public async Task Preview_with_sample_data_and_count_sms_segments_by_encoding()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var token = await TokenAsync(fixture, tenant);
        var (_, current) = await api.GraphQLAsync(Preview, new { kind = "reminder_24h", channel = "SMS" }, token);
        var preview = Data(current, "previewMessageTemplate").GetProperty("preview");
        Assert.StartsWith($"Hi Alex, a reminder from {tenant.Name}: your appointment is on Tuesday, ", preview.GetProperty("body").GetString());
        Assert.Contains("at 10:00 AM", preview.GetProperty("body").GetString());
        Assert.Equal("GSM_7", preview.GetProperty("sms").GetProperty("encoding").GetString());

        var (_, emoji) = await api.GraphQLAsync(Preview, new { kind = "reminder_15m", channel = "SMS", body = "See you soon {{first_name}} 😊 " + new string('a', 70) }, token);
        var sms = Data(emoji, "previewMessageTemplate").GetProperty("preview").GetProperty("sms");
        Assert.Equal("UCS_2", sms.GetProperty("encoding").GetString());
        Assert.Equal(2, sms.GetProperty("segments").GetInt32());

        var (_, email) = await api.GraphQLAsync(Preview, new { kind = "rebook_2", channel = "EMAIL" }, token);
        Assert.Equal(JsonValueKind.Null, Data(email, "previewMessageTemplate").GetProperty("preview").GetProperty("sms").ValueKind);
        var (_, bad) = await api.GraphQLAsync(Preview, new { kind = "reminder_15m", channel = "SMS", body = "{{nope}}" }, token);
        Assert.Equal(["body:VALIDATION"], UserErrors(Data(bad, "previewMessageTemplate")));
    }

    [Fact]
    public async Task Show_an_appointments_reminders_with_their_status_and_reason()
    {
        var tenant = await fixture.CreateTenantAsync();
        var appointment = await fixture.InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var starts = DateTimeOffset.UtcNow.AddDays(3);
            var a = new Appointment { ProviderBookingUid = "tpl-" + Guid.NewGuid().ToString("N"), StartsAt = starts, EndsAt = starts.AddMinutes(30), Location = "12 Elm St" };
            db.Appointments.Add(a);
            db.Messages.Add(new Message { AppointmentId = a.Id, Kind = MessageKinds.Reminder2h, Channel = MessageChannel.Sms, ToAddress = "+12125550150", Body = "2h", ScheduledFor = starts.AddHours(-2) });
            db.Messages.Add(new Message { AppointmentId = a.Id, Kind = MessageKinds.Reminder24h, Channel = MessageChannel.Sms, ToAddress = "+12125550150", Body = "24h",
                ScheduledFor = starts.AddHours(-24), Status = MessageStatus.Cancelled, Error = "Not sent: the lead opted out of messages." });
            await db.SaveChangesAsync();
            return a.Id;
        });
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (_, body) = await api.GraphQLAsync("query($id: ID!) { node(id: $id) { ... on Appointment { location messages { kind status error scheduledFor } } } }",
            new { id = GlobalId.Encode(AppointmentGraphType.TypeName, appointment) }, await TokenAsync(fixture, tenant));
        var node = Data(body, "node");
        Assert.Equal("12 Elm St", node.GetProperty("location").GetString());
        var messages = node.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["reminder_24h:CANCELLED", "reminder_2h:SCHEDULED"], messages.Select(m => $"{m.GetProperty("kind").GetString()}:{m.GetProperty("status").GetString()}").ToArray());
        Assert.Equal("Not sent: the lead opted out of messages.", messages[0].GetProperty("error").GetString());
    }
}
