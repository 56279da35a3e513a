using Callvia.Sandbox.Retell;

namespace Callvia.Sandbox;

/// <summary>
/// The sandbox simulator: Retell's create-phone-call (the same wire format and checks as the fake Retell the tests use) and,
/// for each call it accepts, the call played back through the platform's real, signed webhooks on a configurable clock
/// (<see cref="CallPlayer"/>). The platform runs against it when it has no Retell key; every call placed with it is marked
/// simulated (<c>Dialer:Retell:Simulated</c>).
/// </summary>
public static class SandboxApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBasicServiceDefaults();
        configure?.Invoke(builder);
        builder.Services.AddOptions<SandboxOptions>().Bind(builder.Configuration.GetSection(SandboxOptions.Section))
            .Validate(o => o.ApiKey is { Length: >= 16 }, "Sandbox:ApiKey (16+ characters) is required: the dialer's key and the webhooks' signing key.")
            .Validate(o => Uri.TryCreate(o.ApiUrl, UriKind.Absolute, out _), "Sandbox:ApiUrl (the platform API's address, where the webhooks go) is required.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(CallPlayer.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)); // Retell's webhook timeout
        builder.Services.AddSingleton<CallPlayer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallPlayer>());

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPost("/v2/create-phone-call", async (HttpContext http, CallPlayer player, Microsoft.Extensions.Options.IOptions<SandboxOptions> options) =>
        {
            var raw = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
            if (RetellWire.Check(http.Request.Headers.Authorization.ToString(), raw, options.Value.ApiKey!) is { } refused) return refused;
            var request = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(raw);
            var callId = "call_sim_" + Guid.NewGuid().ToString("N");
            player.Play(callId, request);
            return RetellWire.Registered(callId, request);
        });
        app.MapGet("/", (CallPlayer player) => Results.Json(new { simulator = "Retell (sandbox)", calls = player.Accepted, playing = player.Playing, webhooksSent = player.Sent, webhooksFailed = player.Failed }));
        return app;
    }
}

/// <summary>The simulator's settings (section <c>Sandbox</c>).</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";
    /// <summary>The bearer key the dialer sends, and the key the webhooks are signed with (the API takes it as the platform's Retell key).</summary>
    public string? ApiKey { get; set; }
    /// <summary>The platform API's address; webhooks go to <c>{ApiUrl}api/webhooks/{retell|calcom}</c> with the client's host.</summary>
    public string? ApiUrl { get; set; }
    /// <summary>The platform's root domain: a client's webhooks are sent with the host <c>{slug}.{RootDomain}</c>.</summary>
    public string RootDomain { get; set; } = "localhost";
    /// <summary>From the create-phone-call to the lead's answer (<c>call_started</c>), or to the end of a call not answered.</summary>
    public TimeSpan Ring { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>An answered call's length; each call varies it by up to ±50 % (<see cref="FixedLength"/> turns that off).</summary>
    public TimeSpan CallLength { get; set; } = TimeSpan.FromSeconds(20);
    public bool FixedLength { get; set; }
    /// <summary>From the end of the call to <c>call_analyzed</c> (and a booking's webhook).</summary>
    public TimeSpan AnalysisDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>The outcome mix in percent, drawn per call from its id (so a replay is the same).</summary>
    public OutcomeMix Mix { get; set; } = new();
}

public sealed class OutcomeMix
{
    public int NoAnswer { get; set; } = 25;
    public int Busy { get; set; } = 5;
    public int Voicemail { get; set; } = 15;
    public int NotInterested { get; set; } = 15;
    public int Callback { get; set; } = 15;
    public int Booked { get; set; } = 25;
}
