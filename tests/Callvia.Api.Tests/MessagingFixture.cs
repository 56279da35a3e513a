using Callvia.Api.Hosting;
using Callvia.Testing;
using Callvia.Testing.Fakes;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>
/// Fake MessageBird and SendGrid servers on 127.0.0.1, the API configured with their keys and base addresses, and a
/// second API instance (same database and token key) without any provider credentials, where messages are SIMULATED.
/// </summary>
public sealed class MessagingFixture : CallviaFixture
{
    public const string Originator = "+14155550100";
    public const string FromEmail = "noreply@callvia.test";

    public FakeMessageBird MessageBird { get; private set; } = null!;
    public FakeSendGrid SendGrid { get; private set; } = null!;
    public RunningApp Api { get; private set; } = null!;
    public RunningApp Unconfigured { get; private set; } = null!;
    /// <summary>For session cookies of signed-in client users.</summary>
    public RunningApp Portal { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        MessageBird = await FakeMessageBird.StartNewAsync();
        SendGrid = await FakeSendGrid.StartNewAsync();
        Api = await StartAsync(ApiApp.Build, new Dictionary<string, string?>
        {
            ["Messaging:MessageBird:BaseUrl"] = MessageBird.BaseUrl,
            ["Messaging:MessageBird:AccessKey"] = MessageBird.AccessKey,
            ["Messaging:MessageBird:Originator"] = Originator,
            ["Messaging:SendGrid:BaseUrl"] = SendGrid.BaseUrl,
            ["Messaging:SendGrid:ApiKey"] = SendGrid.ApiKey,
            ["Messaging:SendGrid:FromEmail"] = FromEmail,
        });
        // the base addresses are set, the credentials are not: nothing may reach the fakes from here
        Unconfigured = await StartAsync(ApiApp.Build, new Dictionary<string, string?>
        {
            ["Messaging:MessageBird:BaseUrl"] = MessageBird.BaseUrl,
            ["Messaging:SendGrid:BaseUrl"] = SendGrid.BaseUrl,
        });
        Portal = await StartAsync(Callvia.Portal.Hosting.PortalApp.Build);
        // OpenIddict's first request takes seconds to warm up: pay it here, on both instances
        var warm = await CreateTenantAsync();
        foreach (var app in new[] { Api, Unconfigured })
        {
            using var client = app.CreateClient(warm.Slug);
            await client.RequestTokenAsync(warm.PartnerClientId, warm.PartnerSecret);
        }
    }

    public override async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Unconfigured is not null) await Unconfigured.DisposeAsync();
        if (Portal is not null) await Portal.DisposeAsync();
        if (MessageBird is not null) await MessageBird.DisposeAsync();
        if (SendGrid is not null) await SendGrid.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<MessagingFixture>
{
    public const string Name = "messaging";
}
