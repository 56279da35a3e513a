using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Callvia.Core.Messaging.Providers;

public static class MessagingRegistration
{
    /// <summary>
    /// The provider clients (MessageBird, SendGrid, and the dialer's Retell) and the manual-message rules. The clients do not use the standard resilience handler:
    /// it retries POSTs on 5xx and timeouts, which could send a text twice. Theirs retries only what the provider
    /// certainly never received (connection failures) or refused unprocessed (429), and bounds each attempt.
    /// </summary>
    public static IServiceCollection AddCallviaMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessageBirdOptions>().Bind(configuration.GetSection(MessageBirdOptions.Section));
        services.AddOptions<SendGridOptions>().Bind(configuration.GetSection(SendGridOptions.Section));
        var messageBird = configuration.GetSection(MessageBirdOptions.Section).Get<MessageBirdOptions>() ?? new();
        var sendGrid = configuration.GetSection(SendGridOptions.Section).Get<SendGridOptions>() ?? new();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is how the defaults are replaced
        services.AddHttpClient<MessageBirdClient>(c => c.BaseAddress = new Uri(WithSlash(messageBird.BaseUrl)))
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler("messagebird", b => SafeForSends(b, messageBird.Timeout));
        services.AddHttpClient<SendGridMailer>()
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler("sendgrid", b => SafeForSends(b, sendGrid.Timeout));
        // the dialer's Retell client: no retries of its own at all (a retried create-phone-call may place a second call)
        services.AddOptions<Dialer.RetellOptions>().Bind(configuration.GetSection(Dialer.RetellOptions.Section));
        var retell = configuration.GetSection(Dialer.RetellOptions.Section).Get<Dialer.RetellOptions>() ?? new();
        services.AddHttpClient<Dialer.RetellClient>(c =>
            {
                c.BaseAddress = new Uri(WithSlash(retell.BaseUrl));
                c.Timeout = System.Threading.Timeout.InfiniteTimeSpan; // RetellOptions.Timeout bounds each call
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddScoped<MessageDelivery>();
        services.AddScoped<ManualMessages>();
        services.AddScoped<MessageTemplates>();
        services.AddScoped<ReminderPlanner>();
        services.AddScoped<ScheduledMessageSender>();
        services.AddScoped<RebookSequence>();
        services.AddScoped<DeliveryReceipts>();
        return services;
    }

    // A network attempt's bound is wall-clock time, whatever clock the application runs on (a test's fake clock included).
    private static void SafeForSends(ResiliencePipelineBuilder<HttpResponseMessage> builder, TimeSpan attemptTimeout) => Wall(builder)
        .AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
                { Result.StatusCode: HttpStatusCode.TooManyRequests } => true,
                _ => false,
            }),
        })
        .AddTimeout(attemptTimeout);

    private static ResiliencePipelineBuilder<HttpResponseMessage> Wall(ResiliencePipelineBuilder<HttpResponseMessage> builder)
    {
        builder.TimeProvider = TimeProvider.System;
        return builder;
    }

    private static string WithSlash(string url) => url.EndsWith('/') ? url : url + "/";
}
