using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>sendMessage and POST /api/messages/send, through real HTTP to fake MessageBird and SendGrid servers.</summary>
[Collection(MessagingCollection.Name)]
public sealed class ManualMessagesShould(MessagingFixture fixture)
{
    public const string Send = """
        mutation($input: SendMessageInput!) { sendMessage(input: $input) {
          message { id status channel direction kind to from subject body providerMessageId error sentAt lead { id } }
          errors { field code message } } }
        """;

    [Fact]
    public async Task Send_an_sms_through_graphql_to_messagebird_and_record_it_sent_with_its_id()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var phone = NewPhone();
        var lead = await fixture.CreateLeadAsync(tenant, phone);

        var payload = await SendAsync(api, token, new { leadId = LeadId(lead), channel = "SMS", body = "  Your visit is confirmed for Tuesday 10:00.  " });

        Assert.Empty(payload.GetProperty("errors").EnumerateArray());
        var message = payload.GetProperty("message");
        Assert.Equal("SENT", message.GetProperty("status").GetString());
        Assert.Equal("OUTBOUND", message.GetProperty("direction").GetString());
        Assert.Equal("manual", message.GetProperty("kind").GetString());
        Assert.Equal(phone, message.GetProperty("to").GetString());
        Assert.Equal(MessagingFixture.Originator, message.GetProperty("from").GetString());
        Assert.Equal(LeadId(lead), message.GetProperty("lead").GetProperty("id").GetString());
        var id = GlobalId.Decode(message.GetProperty("id").GetString(), "Message")!.Value;

        // MessageBird got exactly this one message, in its wire format
        var received = Assert.Single(fixture.MessageBird.Received, r => r.Json.GetProperty("reference").GetString() == id.ToString());
        Assert.Equal("/messages", received.Path);
        Assert.Equal("AccessKey " + fixture.MessageBird.AccessKey, received.Authorization);
        Assert.Equal("14155550100", received.Json.GetProperty("originator").GetString());
        Assert.Equal(long.Parse(phone[1..]), Assert.Single(received.Json.GetProperty("recipients").EnumerateArray()).GetInt64());
        Assert.Equal("Your visit is confirmed for Tuesday 10:00.", received.Json.GetProperty("body").GetString());
        Assert.Equal(201, received.AnsweredStatus);

        Assert.Matches("^[0-9a-f]{32}$", message.GetProperty("providerMessageId").GetString());
        Assert.Equal(1, await fixture.CountAsync($"""
            SELECT count(*) FROM messages WHERE id = '{id}' AND client_id = '{tenant.Id}' AND lead_id = '{lead}' AND status = 'sent'
              AND kind = 'manual' AND channel = 'sms' AND provider_message_id = '{message.GetProperty("providerMessageId").GetString()}' AND sent_at IS NOT NULL
            """));
    }

    [Fact]
    public async Task Send_an_email_through_rest_to_sendgrid_with_the_clients_name_and_answer_202()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var email = $"dana.{Guid.NewGuid():N}@example.test";
        var lead = await fixture.CreateLeadAsync(tenant, NewPhone(), email);

        using var response = await PostAsync(api, token, new { leadId = lead, channel = "email", subject = "Your visit", body = "See you on Tuesday.\nBring your card." });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("sent", message.GetProperty("status").GetString());
        Assert.Equal("email", message.GetProperty("channel").GetString());
        Assert.Equal(lead, message.GetProperty("leadId").GetGuid());
        Assert.Equal(email, message.GetProperty("to").GetString());
        var id = message.GetProperty("id").GetGuid();

        var received = Assert.Single(fixture.SendGrid.Received, r => r.RawBody.Contains(id.ToString()));
        Assert.Equal("/v3/mail/send", received.Path);
        Assert.Equal("Bearer " + fixture.SendGrid.ApiKey, received.Authorization);
        var mail = received.Json;
        Assert.Equal(MessagingFixture.FromEmail, mail.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal(tenant.Name, mail.GetProperty("from").GetProperty("name").GetString());
        var personalization = Assert.Single(mail.GetProperty("personalizations").EnumerateArray());
        Assert.Equal(email, Assert.Single(personalization.GetProperty("to").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal("Your visit", personalization.GetProperty("subject").GetString());
        Assert.Equal(tenant.Id.ToString(), personalization.GetProperty("custom_args").GetProperty("client_id").GetString());
        Assert.Equal(id.ToString(), personalization.GetProperty("custom_args").GetProperty("message_id").GetString());
        var content = Assert.Single(mail.GetProperty("content").EnumerateArray());
        Assert.Equal("text/plain", content.GetProperty("type").GetString());
        Assert.Equal("See you on Tuesday.\nBring your card.", content.GetProperty("value").GetString());

        Assert.StartsWith("sg", message.GetProperty("providerMessageId").GetString());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE id = '{id}' AND status = 'sent' AND channel = 'email' AND provider_message_id = '{message.GetProperty("providerMessageId").GetString()}'"));
    }

    [Fact]
    public async Task Give_an_email_without_subject_the_clients_default_subject()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var lead = await fixture.CreateLeadAsync(tenant, NewPhone(), $"x.{Guid.NewGuid():N}@example.test");

        var message = (await SendAsync(api, token, new { leadId = LeadId(lead), channel = "EMAIL", body = "Hello" })).GetProperty("message");

        Assert.Equal("SENT", message.GetProperty("status").GetString());
        Assert.Equal("A message from " + tenant.Name, message.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Store_messages_as_simulated_and_send_nothing_without_provider_credentials()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Unconfigured.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var phone = NewPhone();
        var email = $"sim.{Guid.NewGuid():N}@example.test";
        var lead = await fixture.CreateLeadAsync(tenant, phone, email);

        var sms = (await SendAsync(api, token!, new { leadId = LeadId(lead), channel = "SMS", body = "Hi" })).GetProperty("message");
        using var rest = await PostAsync(api, token!, new { leadId = lead, channel = "email", body = "Hi by mail" });

        Assert.Equal("SIMULATED", sms.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, sms.GetProperty("providerMessageId").ValueKind);
        Assert.Equal(HttpStatusCode.Accepted, rest.StatusCode);
        Assert.Equal("simulated", (await rest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE lead_id = '{lead}' AND status = 'simulated' AND kind = 'manual'"));
        Assert.DoesNotContain(fixture.MessageBird.Received, r => r.RawBody.Contains(phone[1..]));
        Assert.DoesNotContain(fixture.SendGrid.Received, r => r.RawBody.Contains(email));
    }

    [Fact]
    public async Task Refuse_a_lead_who_opted_out_or_whose_number_is_suppressed_and_store_and_send_nothing()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var optedOutPhone = NewPhone();
        var optedOut = await fixture.CreateLeadAsync(tenant, optedOutPhone, $"o.{Guid.NewGuid():N}@example.test");
        await ExecAsync($"UPDATE leads SET opted_out_at = now() WHERE id = '{optedOut}'");
        var suppressedPhone = NewPhone();
        var suppressed = await fixture.CreateLeadAsync(tenant, suppressedPhone, $"s.{Guid.NewGuid():N}@example.test");
        await ExecAsync($"INSERT INTO suppressions (id, client_id, phone_e164, source, created_at) VALUES (gen_random_uuid(), '{tenant.Id}', '{suppressedPhone}', 'sms', now())");

        foreach (var lead in new[] { optedOut, suppressed })
        foreach (var channel in new[] { "SMS", "EMAIL" })
        {
            var payload = await SendAsync(api, token, new { leadId = LeadId(lead), channel, body = "Hello again" });
            Assert.Equal(JsonValueKind.Null, payload.GetProperty("message").ValueKind);
            var error = Assert.Single(payload.GetProperty("errors").EnumerateArray());
            Assert.Equal("OPTED_OUT", error.GetProperty("code").GetString());
            Assert.Equal("leadId", error.GetProperty("field").GetString());
        }
        using var rest = await PostAsync(api, token, new { leadId = optedOut, channel = "sms", body = "Hello again" });
        Assert.Equal(HttpStatusCode.Conflict, rest.StatusCode);
        Assert.Equal("application/problem+json", rest.Content.Headers.ContentType?.MediaType);
        Assert.True((await rest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("leadId", out _));

        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE lead_id IN ('{optedOut}', '{suppressed}')"));
        Assert.DoesNotContain(fixture.MessageBird.Received, r => r.RawBody.Contains(optedOutPhone[1..]) || r.RawBody.Contains(suppressedPhone[1..]));
        Assert.DoesNotContain(fixture.SendGrid.Received, r => r.RawBody.Contains(tenant.Id.ToString()));
    }

    [Fact]
    public async Task Treat_another_clients_lead_as_unknown()
    {
        var (a, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var b = await fixture.CreateTenantAsync();
        var phone = NewPhone();
        var theirs = await fixture.CreateLeadAsync(b, phone, $"b.{Guid.NewGuid():N}@example.test");

        var payload = await SendAsync(api, token, new { leadId = LeadId(theirs), channel = "SMS", body = "Hi" });
        var error = Assert.Single(payload.GetProperty("errors").EnumerateArray());
        Assert.Equal("NOT_FOUND", error.GetProperty("code").GetString());
        var unknown = await SendAsync(api, token, new { leadId = LeadId(Guid.CreateVersion7()), channel = "SMS", body = "Hi" });
        Assert.Equal(error.GetProperty("message").GetString(), unknown.GetProperty("errors")[0].GetProperty("message").GetString());
        using var rest = await PostAsync(api, token, new { leadId = theirs, channel = "sms", body = "Hi" });
        Assert.Equal(HttpStatusCode.NotFound, rest.StatusCode);
        Assert.DoesNotContain(b.Name, await rest.Content.ReadAsStringAsync());

        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE lead_id = '{theirs}' OR (client_id = '{a.Id}' AND kind = 'manual')"));
        Assert.DoesNotContain(fixture.MessageBird.Received, r => r.RawBody.Contains(phone[1..]));
    }

    [Fact]
    public async Task Let_a_signed_in_client_admin_send_with_the_portal_session()
    {
        var tenant = await fixture.CreateTenantAsync();
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(tenant.Slug, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(tenant.AdminEmail, tenant.Password)).StatusCode);
        using var api = fixture.Api.CreateClient(tenant.Slug, cookies);
        var phone = NewPhone();
        var lead = await fixture.CreateLeadAsync(tenant, phone);

        var (status, body) = await api.GraphQLAsync(Send, new { input = new { leadId = LeadId(lead), channel = "SMS", body = "From the portal" } });
        using var rest = await api.PostAsJsonAsync("/api/messages/send", new { leadId = lead, channel = "sms", body = "From the portal, by REST" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SENT", body.GetProperty("data").GetProperty("sendMessage").GetProperty("message").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, rest.StatusCode);
        Assert.Equal(2, fixture.MessageBird.Received.Count(r => r.RawBody.Contains(phone[1..])));
    }

    [Fact]
    public async Task Refuse_callers_without_a_token()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var lead = await fixture.CreateLeadAsync(tenant, NewPhone());

        var (status, body) = await api.GraphQLAsync(Send, new { input = new { leadId = LeadId(lead), channel = "SMS", body = "Hi" } });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        using var rest = await api.PostAsJsonAsync("/api/messages/send", new { leadId = lead, channel = "sms", body = "Hi" });
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);

        // a token of another client on this host is refused too
        var other = await fixture.CreateTenantAsync();
        using var otherApi = fixture.Api.CreateClient(other.Slug);
        var (otherToken, _) = await otherApi.RequestTokenAsync(other.PartnerClientId, other.PartnerSecret);
        Assert.Contains((await api.GraphQLAsync(Send, new { input = new { leadId = LeadId(lead), channel = "SMS", body = "Hi" } }, otherToken)).Status,
            new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE lead_id = '{lead}'"));
    }

    [Fact]
    public async Task Send_once_for_one_idempotency_key_also_when_requests_race()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var phone = NewPhone();
        var lead = await fixture.CreateLeadAsync(tenant, phone);
        var input = new { leadId = LeadId(lead), channel = "SMS", body = "Only once", idempotencyKey = "order-42" };

        var first = (await SendAsync(api, token, input)).GetProperty("message").GetProperty("id").GetString();
        var again = (await SendAsync(api, token, input)).GetProperty("message").GetProperty("id").GetString();
        Assert.Equal(first, again);

        // REST, five requests at once with one key: one message, one provider call, the same answer for all
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = JsonContent.Create(new { leadId = lead, channel = "sms", body = "Once more" }) };
            request.Headers.Authorization = new("Bearer", token);
            request.Headers.Add("Idempotency-Key", "order-43");
            using var response = await api.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }));
        Assert.Single(responses.Distinct());

        // the key belongs to the client: another client may use the same key for its own message
        var (other, otherApi, otherToken) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var otherLead = await fixture.CreateLeadAsync(other, NewPhone());
        var theirs = await SendAsync(otherApi, otherToken, new { leadId = LeadId(otherLead), channel = "SMS", body = "Theirs", idempotencyKey = "order-42" });
        Assert.Equal("SENT", theirs.GetProperty("message").GetProperty("status").GetString());

        Assert.Equal(2, fixture.MessageBird.Received.Count(r => r.RawBody.Contains(phone[1..])));
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE lead_id = '{lead}'"));
    }

    [Fact]
    public async Task Record_a_provider_failure_as_failed_with_its_error_and_never_send_it_again()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var phone = NewPhone();
        var lead = await fixture.CreateLeadAsync(tenant, phone, $"f.{Guid.NewGuid():N}@example.test");

        fixture.MessageBird.FailNext(500, Testing.Fakes.FakeMessageBird.ErrorBody(25, "Not enough balance"));
        var sms = (await SendAsync(api, token, new { leadId = LeadId(lead), channel = "SMS", body = "Fails", idempotencyKey = "fail-1" })).GetProperty("message");
        Assert.Equal("FAILED", sms.GetProperty("status").GetString());
        Assert.Contains("500", sms.GetProperty("error").GetString());
        Assert.Contains("Not enough balance", sms.GetProperty("error").GetString());
        Assert.DoesNotContain(fixture.MessageBird.AccessKey, sms.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, sms.GetProperty("sentAt").ValueKind);
        // a 500 may mean it went out: not retried; asking again with the key returns the failed message unsent
        var again = (await SendAsync(api, token, new { leadId = LeadId(lead), channel = "SMS", body = "Fails", idempotencyKey = "fail-1" })).GetProperty("message");
        Assert.Equal(sms.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Single(fixture.MessageBird.Received, r => r.RawBody.Contains(phone[1..]));

        fixture.SendGrid.FailNext(400, Testing.Fakes.FakeSendGrid.ErrorBody("The from address does not match a verified Sender Identity."));
        var email = (await SendAsync(api, token, new { leadId = LeadId(lead), channel = "EMAIL", body = "Fails too" })).GetProperty("message");
        Assert.Equal("FAILED", email.GetProperty("status").GetString());
        Assert.Contains("verified Sender Identity", email.GetProperty("error").GetString());
        Assert.DoesNotContain(fixture.SendGrid.ApiKey, email.GetProperty("error").GetString());
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE lead_id = '{lead}' AND status = 'failed' AND error IS NOT NULL AND provider_message_id IS NULL"));
    }

    [Fact]
    public async Task Retry_a_rate_limited_send_which_the_provider_did_not_take()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var phone = NewPhone();
        var lead = await fixture.CreateLeadAsync(tenant, phone);

        fixture.MessageBird.FailNext(429, Testing.Fakes.FakeMessageBird.ErrorBody(429, "Too many requests"));
        var sms = (await SendAsync(api, token, new { leadId = LeadId(lead), channel = "SMS", body = "After a 429" })).GetProperty("message");

        Assert.Equal("SENT", sms.GetProperty("status").GetString());
        Assert.Equal([429, 201], fixture.MessageBird.Received.Where(r => r.RawBody.Contains(phone[1..])).Select(r => r.AnsweredStatus));
    }

    [Fact]
    public async Task Answer_field_errors_for_bad_input_and_change_nothing()
    {
        var (tenant, api, token) = await AdminHelpers.PartnerTenantAsync(fixture, fixture.Api);
        var noEmail = await fixture.CreateLeadAsync(tenant, NewPhone());
        var lead = LeadId(noEmail);

        async Task<string> GraphQLField(object input) =>
            Assert.Single((await SendAsync(api, token, input)).GetProperty("errors").EnumerateArray()).GetProperty("field").GetString()!;
        Assert.Equal("body", await GraphQLField(new { leadId = lead, channel = "SMS", body = "   " }));
        Assert.Equal("body", await GraphQLField(new { leadId = lead, channel = "SMS", body = new string('x', 1601) }));
        Assert.Equal("subject", await GraphQLField(new { leadId = lead, channel = "SMS", subject = "Hi", body = "Hi" }));
        Assert.Equal("leadId", await GraphQLField(new { leadId = lead, channel = "EMAIL", body = "No address" }));
        Assert.Equal("leadId", await GraphQLField(new { leadId = "not-an-id", channel = "SMS", body = "Hi" }));
        Assert.Equal("idempotencyKey", await GraphQLField(new { leadId = lead, channel = "SMS", body = "Hi", idempotencyKey = new string('k', 101) }));
        // an unknown channel does not even validate against the schema's enum
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GraphQLAsync(Send, new { input = new { leadId = lead, channel = "FAX", body = "Hi" } }, token)).Status);

        async Task<JsonElement> RestErrors(object body, HttpStatusCode expected = HttpStatusCode.BadRequest)
        {
            using var response = await PostAsync(api, token, body);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        }
        Assert.True((await RestErrors(new { leadId = noEmail, channel = "fax", body = "Hi" })).TryGetProperty("channel", out _));
        var several = await RestErrors(new { leadId = noEmail, channel = "sms", body = "" });
        Assert.True(several.TryGetProperty("body", out _));
        Assert.True((await RestErrors(new { channel = "sms", body = "Hi" })).TryGetProperty("leadId", out _));
        Assert.True((await RestErrors(new { leadId = noEmail, channel = "email", subject = "S", body = new string('x', 50_001) })).TryGetProperty("body", out _));
        Assert.True((await RestErrors(new { leadId = "nope", channel = "sms", body = "Hi" }, HttpStatusCode.NotFound)).TryGetProperty("leadId", out _));
        using (var malformed = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json") })
        {
            malformed.Headers.Authorization = new("Bearer", token);
            using var response = await api.SendAsync(malformed);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE client_id = '{tenant.Id}' AND kind = 'manual'"));
    }

    public static async Task<JsonElement> SendAsync(HttpClient api, string token, object input)
    {
        var (status, body) = await api.GraphQLAsync(Send, new { input }, token);
        Assert.True(status == HttpStatusCode.OK && !body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data").GetProperty("sendMessage");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient api, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        return await api.SendAsync(request);
    }

    public static string LeadId(Guid id) => GlobalId.Encode(LeadGraphType.TypeName, id);

    /// <summary>A number no other test uses, so the fakes' records can be told apart.</summary>
    public static string NewPhone() => "+1646" + Random.Shared.Next(1_000_000, 9_999_999);

    private Task ExecAsync(string sql) => fixture.CountAsync($"WITH x AS ({sql} RETURNING 1) SELECT count(*) FROM x");
}

/// <summary>The REST send shares the caller's rate budget with GraphQL (each test runs its own API with a fake clock).</summary>
[Collection(MessagingCollection.Name)]
public sealed class MessageRateLimitsShould(MessagingFixture fixture)
{
    [Fact]
    public async Task Answer_429_with_Retry_After_past_a_callers_budget_and_store_nothing_more()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(
            new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(5_000_000)).AddSeconds(20));
        await using var limited = await RunningApp.StartAsync((args, configure) => Hosting.ApiApp.Build(args, b =>
        {
            configure?.Invoke(b);
            b.Services.AddSingleton<TimeProvider>(clock);
        }), fixture.Settings.Concat(new Dictionary<string, string?> { ["RateLimits:PerTokenPerMinute"] = "2" }).ToDictionary());
        var tenant = await fixture.CreateTenantAsync();
        using var api = limited.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        var lead = await fixture.CreateLeadAsync(tenant, ManualMessagesShould.NewPhone());

        async Task<HttpResponseMessage> Post()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages/send") { Content = JsonContent.Create(new { leadId = lead, channel = "sms", body = "Hi" }) };
            request.Headers.Authorization = new("Bearer", token);
            return await api.SendAsync(request);
        }
        Assert.Equal(HttpStatusCode.Accepted, (await Post()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GraphQLAsync("{ client { id } }", bearer: token)).Status);
        using var refused = await Post();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(40), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM messages WHERE lead_id = '{lead}'"));
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(HttpStatusCode.Accepted, (await Post()).StatusCode);
    }
}
