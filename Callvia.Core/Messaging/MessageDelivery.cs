using Callvia.Core.Data;
using Callvia.Core.Messaging.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Callvia.Core.Messaging;

/// <summary>
/// Hands one stored, still SCHEDULED outbound message to its provider, once, and records the outcome:
/// SENT with the provider's id, FAILED with the provider's error (never a key), or SIMULATED when the
/// provider has no credentials configured (nothing leaves the platform, and the status says so).
/// A message that is not SCHEDULED, or already has a provider id, is never handed over again.
/// </summary>
public sealed class MessageDelivery(CallviaDbContext db, MessageBirdClient sms, SendGridMailer email, TimeProvider clock,
    ILogger<MessageDelivery> logger)
{
    public async Task DeliverAsync(Message message)
    {
        if (!Deliverable(message)) return;
        var fromName = message.Channel == MessageChannel.Email
            ? await db.Clients.Where(c => c.Id == message.ClientId).Select(c => c.Name).SingleAsync(CancellationToken.None)
            : "";
        await HandOverAsync(message, fromName);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    public static bool Deliverable(Message message) =>
        message.Status == MessageStatus.Scheduled && message.ProviderMessageId is null && message.Direction == MessageDirection.Outbound;

    /// <summary>
    /// Hands the message to its provider and sets the outcome on it, without saving (the caller saves: one message, or a
    /// batch of them, <see cref="ScheduledMessageSender"/>). Touches no database, so several run at once.
    /// </summary>
    public async Task HandOverAsync(Message message, string fromName)
    {
        if (!Deliverable(message)) return;
        // The outcome is recorded even when the caller has gone: a provider that accepted the message must
        // not be forgotten (so the request's cancellation token is deliberately not used from here on).
        var ct = CancellationToken.None;
        ProviderResult? result;
        if (message.Channel == MessageChannel.Sms)
        {
            message.FromAddress = sms.Originator;
            result = sms.IsConfigured ? await Try("MessageBird", () => sms.SendSmsAsync(message.ToAddress, message.Body, message.Id.ToString(), ct)) : null;
        }
        else
        {
            message.FromAddress = email.FromEmail;
            var args = new Dictionary<string, string> { ["client_id"] = message.ClientId.ToString(), ["message_id"] = message.Id.ToString() };
            result = email.IsConfigured ? await Try("SendGrid", () => email.SendAsync(fromName, message.ToAddress, message.Subject ?? "", message.Body, args, ct)) : null;
        }

        if (result is null) message.Status = MessageStatus.Simulated;
        else if (result.Accepted)
        {
            message.Status = MessageStatus.Sent;
            message.ProviderMessageId = result.ProviderMessageId;
        }
        else
        {
            message.Status = MessageStatus.Failed;
            message.Error = result.Error;
        }
        message.SentAt = result is null || result.Accepted ? clock.GetUtcNow() : null;
    }

    private async Task<ProviderResult> Try(string provider, Func<Task<ProviderResult>> send)
    {
        try
        {
            return await send();
        }
        // (Polly's TimeoutRejectedException by name: Polly 7 and Polly.Core both define the type here)
        catch (Exception e) when (e is HttpRequestException or TimeoutException or OperationCanceledException || e.GetType().Name == "TimeoutRejectedException")
        {
            // a timeout leaves it unknown whether the provider took the message: it is not tried again (never twice)
            logger.LogWarning(e, "{Provider} could not be reached for a message", provider);
            return ProviderResult.Failed(e is HttpRequestException
                ? $"{provider} could not be reached ({e.Message})."
                : $"{provider} did not answer in time; the message may or may not have been sent and is not retried.");
        }
    }
}
