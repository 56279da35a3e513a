namespace Callvia.Core.Messaging.Providers;

/// <summary>
/// The platform's MessageBird account (legacy REST SMS API, see contracts/messagebird.md). Without an access key
/// and an originator, SMS are not sent: they are stored as <see cref="MessageStatus.Simulated"/>.
/// </summary>
public sealed class MessageBirdOptions
{
    public const string Section = "Messaging:MessageBird";
    public string BaseUrl { get; set; } = "https://rest.messagebird.com/";
    public string? AccessKey { get; set; }
    /// <summary>Sender: a virtual number (so that replies such as STOP reach us) or an alphanumeric name (11 chars at most).</summary>
    public string? Originator { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
    public bool IsConfigured => !string.IsNullOrWhiteSpace(AccessKey) && !string.IsNullOrWhiteSpace(Originator);
}

/// <summary>The platform's SendGrid account (v3 mail/send, see contracts/sendgrid.md). Without a key and a from address, emails are simulated.</summary>
public sealed class SendGridOptions
{
    public const string Section = "Messaging:SendGrid";
    public string BaseUrl { get; set; } = "https://api.sendgrid.com/";
    public string? ApiKey { get; set; }
    /// <summary>A verified sender of the account; the display name is the client's name.</summary>
    public string? FromEmail { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(FromEmail);
}

/// <summary>What a provider said about one message. <see cref="ProviderMessageId"/> is set when it accepted it.</summary>
public sealed record ProviderResult(bool Accepted, string? ProviderMessageId, string? Error)
{
    public static ProviderResult Ok(string? id) => new(true, id, null);
    public static ProviderResult Failed(string error) => new(false, null, error.Length > 1900 ? error[..1900] : error);
}
