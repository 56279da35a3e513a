using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Callvia.Core.Webhooks.Providers.Calcom;
using Callvia.Core.Webhooks.Providers.Retell;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Callvia.Sandbox.Retell;

/// <summary>What a simulated call turns out to be (drawn from <see cref="OutcomeMix"/>).</summary>
public enum SimulatedOutcome { NoAnswer, Busy, Voicemail, NotInterested, Callback, Booked }

/// <summary>
/// Plays each accepted call back through the platform's webhooks as Retell would (contracts/retell.md §2), each signed with
/// the simulator's key (§3) and sent to the client's host (the call's <c>metadata.client_slug</c>): a call not answered gets
/// <c>call_ended</c> (<c>not_connected</c>, <c>dial_no_answer</c> / <c>dial_busy</c>) and <c>call_analyzed</c>; an answered
/// one <c>call_started</c>, then after its length <c>call_ended</c> with the duration and a transcript, then
/// <c>call_analyzed</c> with the outcome in <c>custom_analysis_data</c> (our agents' schema: <c>outcome</c>,
/// <c>callback_at</c>). A booked call also books through a signed Cal.com <c>BOOKING_CREATED</c> (contracts/calcom.md)
/// carrying the booking link's metadata and <c>simulated: "true"</c>. A webhook not answered 2xx is sent again up to three
/// times, as Retell does. All waits are on the injected clock.
/// </summary>
public sealed class CallPlayer(IHttpClientFactory http, IOptions<SandboxOptions> options, TimeProvider clock, ILogger<CallPlayer> logger) : IHostedService
{
    public const string HttpClientName = "sandbox-webhooks";
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Task> _playing = new();
    private long _accepted, _sent, _failed;

    public long Accepted => Interlocked.Read(ref _accepted);
    public int Playing => _playing.Count;
    public long Sent => Interlocked.Read(ref _sent);
    public long Failed => Interlocked.Read(ref _failed);

    public void Play(string callId, JsonElement request)
    {
        Interlocked.Increment(ref _accepted);
        _playing[callId] = Task.Run(async () =>
        {
            try { await PlayAsync(callId, request.Clone(), _stopping.Token); }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
            catch (Exception e) { logger.LogError(e, "Playing simulated call {CallId} failed", callId); }
            finally { _playing.TryRemove(callId, out _); }
        });
    }

    /// <summary>The outcome of a call, from its id: the same call always plays the same way.</summary>
    public static SimulatedOutcome Draw(string callId, OutcomeMix mix)
    {
        var weights = new[] { mix.NoAnswer, mix.Busy, mix.Voicemail, mix.NotInterested, mix.Callback, mix.Booked }.Select(w => Math.Max(0, w)).ToArray();
        var total = weights.Sum();
        if (total == 0) return SimulatedOutcome.NoAnswer;
        var roll = (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(callId)), 0) % (uint)total);
        for (var i = 0; i < weights.Length; i++)
        {
            if (roll < weights[i]) return (SimulatedOutcome)i;
            roll -= weights[i];
        }
        return SimulatedOutcome.Booked;
    }

    private async Task PlayAsync(string callId, JsonElement request, CancellationToken ct)
    {
        var o = options.Value;
        var outcome = Draw(callId, o.Mix);
        var metadata = request.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var slug = Str(metadata, "client_slug");
        if (slug is null)
        {
            logger.LogWarning("Simulated call {CallId} has no metadata.client_slug: its webhooks have no client to go to", callId);
            return;
        }
        var variables = request.TryGetProperty("retell_llm_dynamic_variables", out var v) && v.ValueKind == JsonValueKind.Object ? v : default;
        await Task.Delay(o.Ring, clock, ct);

        if (outcome is SimulatedOutcome.NoAnswer or SimulatedOutcome.Busy)
        {
            var ended = RetellWire.CallObject(callId, request, "not_connected");
            ended["end_timestamp"] = clock.GetUtcNow().ToUnixTimeMilliseconds();
            ended["duration_ms"] = 0;
            ended["disconnection_reason"] = outcome == SimulatedOutcome.NoAnswer ? "dial_no_answer" : "dial_busy";
            await SendRetellAsync(slug, "call_ended", ended, ct);
            await Task.Delay(o.AnalysisDelay, clock, ct);
            ended["call_analysis"] = Analysis(outcome == SimulatedOutcome.NoAnswer ? "The lead did not answer." : "The line was busy.",
                "Unknown", successful: false, voicemail: false, outcome == SimulatedOutcome.NoAnswer ? "no_answer" : "busy", null);
            await SendRetellAsync(slug, "call_analyzed", ended, ct);
            return;
        }

        var started = RetellWire.CallObject(callId, request, "ongoing");
        var startedAt = clock.GetUtcNow();
        started["start_timestamp"] = startedAt.ToUnixTimeMilliseconds();
        await SendRetellAsync(slug, "call_started", started, ct);

        var length = o.FixedLength ? o.CallLength
            : TimeSpan.FromMilliseconds(o.CallLength.TotalMilliseconds * (0.5 + BitConverter.ToUInt16(SHA256.HashData(Encoding.UTF8.GetBytes(callId)), 4) / 65535.0));
        if (outcome == SimulatedOutcome.Voicemail) length = TimeSpan.FromMilliseconds(Math.Min(length.TotalMilliseconds, o.CallLength.TotalMilliseconds / 2));
        await Task.Delay(length, clock, ct);
        var endedAt = clock.GetUtcNow();
        var call = RetellWire.CallObject(callId, request, "ended");
        call["start_timestamp"] = startedAt.ToUnixTimeMilliseconds();
        call["end_timestamp"] = endedAt.ToUnixTimeMilliseconds();
        call["duration_ms"] = (long)(endedAt - startedAt).TotalMilliseconds;
        call["disconnection_reason"] = outcome switch
        {
            SimulatedOutcome.Voicemail => "voicemail_reached",
            SimulatedOutcome.NotInterested => "user_hangup",
            _ => "agent_hangup",
        };
        call["transcript"] = Transcript(outcome, Str(variables, "first_name"), Str(variables, "client_name"));
        await SendRetellAsync(slug, "call_ended", call, ct);

        await Task.Delay(o.AnalysisDelay, clock, ct);
        var callbackAt = outcome == SimulatedOutcome.Callback ? endedAt.AddHours(2) : (DateTimeOffset?)null;
        call["call_analysis"] = outcome switch
        {
            SimulatedOutcome.Voicemail => Analysis("Reached voicemail; no message left.", "Unknown", false, true, "voicemail", null),
            SimulatedOutcome.NotInterested => Analysis("The lead was not interested.", "Negative", false, false, "not_interested", null),
            SimulatedOutcome.Callback => Analysis("The lead asked to be called back in two hours.", "Neutral", false, false, "callback_requested", callbackAt),
            _ => Analysis("The lead booked an appointment.", "Positive", true, false, "appointment_set", null),
        };
        await SendRetellAsync(slug, "call_analyzed", call, ct);
        if (outcome == SimulatedOutcome.Booked) await BookAsync(slug, callId, request, metadata, variables, endedAt, ct);
    }

    private static Dictionary<string, object?> Analysis(string summary, string sentiment, bool successful, bool voicemail, string outcome, DateTimeOffset? callbackAt)
    {
        var custom = new Dictionary<string, object?> { ["outcome"] = outcome, ["simulated"] = true };
        if (callbackAt is { } at) custom["callback_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return new()
        {
            ["call_summary"] = "[Simulated] " + summary, ["user_sentiment"] = sentiment, ["call_successful"] = successful,
            ["in_voicemail"] = voicemail, ["custom_analysis_data"] = custom,
        };
    }

    private static string Transcript(SimulatedOutcome outcome, string? firstName, string? clientName)
    {
        var hello = $"[Simulated call — sandbox, no one was called]\nAgent: Hi{(string.IsNullOrWhiteSpace(firstName) ? "" : " " + firstName)}, this is the assistant of {clientName ?? "our office"}.";
        return hello + "\n" + outcome switch
        {
            SimulatedOutcome.Voicemail => "Voicemail: Please leave a message after the tone.",
            SimulatedOutcome.NotInterested => "User: Not interested, thanks. Please don't call again.\nAgent: Understood, I'll remove your number.",
            SimulatedOutcome.Callback => "User: I'm busy right now, can you call me back in two hours?\nAgent: Of course, I'll call you back then.",
            _ => "User: Yes, I'd like to book.\nAgent: Great, you're booked. You'll get a confirmation shortly.",
        };
    }

    /// <summary>The booking the lead makes through the link the agent gave: Cal.com's BOOKING_CREATED with the link's metadata.</summary>
    private async Task BookAsync(string slug, string callId, JsonElement request, JsonElement metadata, JsonElement variables, DateTimeOffset endedAt, CancellationToken ct)
    {
        var link = Str(variables, "booking_link");
        var query = link is not null && link.IndexOf('?') is var q and >= 0 ? QueryHelpers.ParseQuery(link[q..]) : [];
        string? FromLink(string key) => query.TryGetValue(key, out var value) && value.Count > 0 ? value[0] : null;
        var name = FromLink("name") ?? Str(variables, "first_name") ?? "Lead";
        var email = FromLink("email");
        var phone = FromLink("attendeePhoneNumber") ?? request.GetProperty("to_number").GetString();
        var start = new DateTimeOffset(endedAt.UtcDateTime.Date.AddDays(1).AddHours(endedAt.Hour + 1), TimeSpan.Zero);
        var uid = "sim_bk_" + callId["call_sim_".Length..];
        var attendee = new Dictionary<string, object?> { ["name"] = name, ["timeZone"] = "UTC", ["language"] = new { locale = "en" }, ["phoneNumber"] = phone };
        if (email is not null) attendee["email"] = email;
        var body = new Dictionary<string, object?>
        {
            ["triggerEvent"] = "BOOKING_CREATED",
            ["createdAt"] = clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["payload"] = new Dictionary<string, object?>
            {
                ["type"] = "sandbox-30", ["title"] = $"Appointment with {name} (simulated)",
                ["startTime"] = start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["endTime"] = start.AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["organizer"] = new { name = Str(variables, "client_name") ?? slug, timeZone = "UTC", language = new { locale = "en" } },
                ["attendees"] = new[] { attendee },
                ["responses"] = new Dictionary<string, object> { ["name"] = new { label = "your_name", value = name }, ["attendeePhoneNumber"] = new { label = "phone_number", value = phone } },
                ["uid"] = uid, ["length"] = 30, ["status"] = "ACCEPTED",
                ["metadata"] = new Dictionary<string, string?>
                {
                    ["leadId"] = FromLink("metadata[leadId]") ?? Str(metadata, "lead_id"),
                    ["tenantId"] = FromLink("metadata[tenantId]") ?? Str(metadata, "client_id"),
                    ["simulated"] = "true",
                },
            },
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        await SendAsync(slug, "calcom", bytes, CalcomSignature.Header, () => CalcomSignature.Sign(bytes, options.Value.ApiKey!), ct);
    }

    private Task SendRetellAsync(string slug, string type, Dictionary<string, object?> call, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?> { ["event"] = type, ["call"] = call });
        // signed at each send: the timestamp must be within Retell's five minutes of the receiver's clock
        return SendAsync(slug, "retell", bytes, RetellSignature.Header, () => RetellSignature.Sign(bytes, options.Value.ApiKey!, clock.GetUtcNow().ToUnixTimeMilliseconds()), ct);
    }

    private async Task SendAsync(string slug, string provider, byte[] body, string header, Func<string> sign, CancellationToken ct)
    {
        var o = options.Value;
        var api = new Uri(o.ApiUrl!);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api, $"api/webhooks/{provider}"))
                    { Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } } };
                request.Headers.Host = $"{slug}.{o.RootDomain}:{api.Port}";
                request.Headers.TryAddWithoutValidation(header, sign());
                using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _sent);
                    return;
                }
                logger.LogWarning("The platform answered {Status} to a simulated {Provider} webhook for {Slug}: {Body}", (int)response.StatusCode, provider, slug,
                    await response.Content.ReadAsStringAsync(ct));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                logger.LogWarning("A simulated {Provider} webhook for {Slug} was not delivered: {Error}", provider, slug, e.Message);
            }
            if (attempt > 3)
            {
                Interlocked.Increment(ref _failed);
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(attempt), clock, ct);
        }
    }

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_playing.Values).WaitAsync(cancellationToken).ContinueWith(_ => { }, CancellationToken.None);
    }
}
