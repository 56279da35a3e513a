using Callvia.Core.Dialer;
using Callvia.Testing.Fakes;
using Microsoft.Extensions.Options;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>The dialer's Retell client against a fake Retell on loopback, speaking the contract's wire format.</summary>
public sealed class RetellClientShould : IAsyncLifetime
{
    private FakeRetell _retell = null!;

    public async Task InitializeAsync() => _retell = await FakeRetell.StartNewAsync();

    public async Task DisposeAsync() => await _retell.DisposeAsync();

    private RetellClient Client(TimeSpan? timeout = null, string? baseUrl = null, string? key = null) =>
        new(new HttpClient { BaseAddress = new Uri(baseUrl ?? _retell.BaseUrl), Timeout = Timeout.InfiniteTimeSpan },
            Options.Create(new RetellOptions { BaseUrl = baseUrl ?? _retell.BaseUrl, ApiKey = key ?? _retell.ApiKey, Timeout = timeout ?? TimeSpan.FromSeconds(10) }));

    private static PhoneCallRequest Call() => new("+14155550100", "+12125550175", "agent_7f3c",
        new Dictionary<string, string> { ["client_id"] = "c1", ["campaign_id"] = "k1", ["lead_id"] = "l1", ["attempt"] = "2" },
        new Dictionary<string, string> { ["first_name"] = "Dana", ["business_name"] = "Bright Smiles Dental", ["booking_link"] = "https://cal.com/x?metadata[lead_id]=l1" });

    [Fact]
    public async Task Place_a_call_with_the_contracts_request_shape()
    {
        var result = await Client().CreatePhoneCallAsync(Call(), default);
        Assert.Equal(PlaceCallOutcome.Placed, result.Outcome);
        Assert.StartsWith("call_", result.CallId);
        var sent = Assert.Single(_retell.Received);
        Assert.Equal(("POST", "/v2/create-phone-call", "Bearer " + _retell.ApiKey), (sent.Method, sent.Path, sent.Authorization));
        Assert.StartsWith("application/json", sent.ContentType);
        var body = sent.Json;
        Assert.Equal("+14155550100", body.GetProperty("from_number").GetString());
        Assert.Equal("+12125550175", body.GetProperty("to_number").GetString());
        Assert.Equal("agent_7f3c", body.GetProperty("override_agent_id").GetString());
        Assert.Equal("l1", body.GetProperty("metadata").GetProperty("lead_id").GetString());
        Assert.Equal("2", body.GetProperty("metadata").GetProperty("attempt").GetString());
        Assert.All(body.GetProperty("retell_llm_dynamic_variables").EnumerateObject(), v => Assert.Equal(System.Text.Json.JsonValueKind.String, v.Value.ValueKind));
    }

    [Fact]
    public async Task Tell_a_rate_limit_a_server_error_and_a_refusal_apart_without_retrying()
    {
        _retell.FailNext(429, """{"error_message":"Concurrency limit reached"}""");
        var limited = await Client().CreatePhoneCallAsync(Call(), default);
        Assert.Equal((PlaceCallOutcome.RateLimited, TimeSpan.FromSeconds(7)), (limited.Outcome, limited.RetryAfter));
        Assert.Contains("Concurrency limit reached", limited.Error);

        _retell.FailNext(503, """{"error_message":"Service unavailable"}""");
        Assert.Equal(PlaceCallOutcome.Transient, (await Client().CreatePhoneCallAsync(Call(), default)).Outcome);

        var refused = await Client().CreatePhoneCallAsync(Call() with { ToNumber = "2125550175" }, default);
        Assert.Equal(PlaceCallOutcome.Rejected, refused.Outcome);
        Assert.Contains("E.164", refused.Error);
        Assert.Equal(PlaceCallOutcome.Rejected, (await Client(key: "wrong").CreatePhoneCallAsync(Call(), default)).Outcome);
        Assert.Equal(4, _retell.Received.Count); // one request each: nothing retried behind the dialer's back
    }

    [Fact]
    public async Task Report_a_lost_answer_when_retell_took_the_call_but_did_not_answer_in_time()
    {
        // a first call warms both ends (a cold start on a busy machine must not eat the timeout before the request is out)
        Assert.Equal(PlaceCallOutcome.Placed, (await Client().CreatePhoneCallAsync(Call(), default)).Outcome);
        _retell.DelayNext(TimeSpan.FromSeconds(30));
        var lost = await Client(timeout: TimeSpan.FromSeconds(1)).CreatePhoneCallAsync(Call(), default);
        Assert.Equal(PlaceCallOutcome.AnswerLost, lost.Outcome);
        Assert.Equal(2, _retell.Received.Count); // it reached Retell: the call may exist, so it must not be placed again blindly
    }

    [Fact]
    public async Task Report_not_sent_when_retell_cannot_be_reached()
    {
        var port = System.Net.Sockets.TcpListener.Create(0);
        port.Start();
        var free = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var result = await Client(baseUrl: $"http://127.0.0.1:{free}/").CreatePhoneCallAsync(Call(), default);
        Assert.Equal(PlaceCallOutcome.NotSent, result.Outcome);
    }
}
