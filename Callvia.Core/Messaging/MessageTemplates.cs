using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Callvia.Core.Appointments;
using Callvia.Core.Auditing;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Messaging;

/// <summary>The wording of one automated kind on one channel: the client's own, or the default.</summary>
public sealed record TemplateText(string Kind, MessageChannel Channel, string? Subject, string Body, bool Custom, bool Enabled);

/// <summary>A template rendered with sample data (or a message's real data), with the SMS length as the network bills it.</summary>
public sealed record RenderedTemplate(string? Subject, string Body, SmsLength? Sms);

/// <summary>
/// The automated messages' wording (docs/reminders.md "Templates"): per client, per kind and channel, with
/// <c>{{placeholder}}</c>s filled in when the message is planned and again when it is sent (so an edit, a new name or a
/// moved appointment are what the lead reads). Defaults for every kind; an unknown placeholder, a brace left open, an
/// empty body, an SMS over 1,600 characters or a subject on an SMS are refused with a field error and change nothing.
/// The client also turns each kind on or off here. Edits are audited.
/// </summary>
public sealed partial class MessageTemplates(CallviaDbContext db, TenantContext tenant, IAuditCaller caller, TimeProvider clock)
{
    public const int MaxSmsLength = ManualMessages.MaxSmsLength;
    public const int MaxEmailLength = ManualMessages.MaxEmailLength;
    public const int MaxSubjectLength = ManualMessages.MaxSubjectLength;

    /// <summary>What a placeholder is replaced with, in the lead's language of time (its zone).</summary>
    public static readonly IReadOnlyDictionary<string, string> Placeholders = new Dictionary<string, string>
    {
        ["first_name"] = "The lead's first name (\"there\" when unknown).",
        ["business_name"] = "The client's business name.",
        ["date"] = "The appointment's date in the lead's time zone, e.g. Tuesday, December 8.",
        ["time"] = "The appointment's start time in the lead's time zone, e.g. 10:00 AM.",
        ["location"] = "The booking's address or meeting link (else \"the place in your booking confirmation\").",
        ["reschedule_link"] = "The booking's reschedule page.",
        ["booking_link"] = "The client's booking page, with the lead filled in (for a new booking).",
    };

    /// <summary>Every automated kind with its channels and default wording.</summary>
    public static readonly IReadOnlyList<TemplateText> Defaults =
    [
        new(MessageKinds.Reminder24h, MessageChannel.Sms, null,
            "Hi {{first_name}}, a reminder from {{business_name}}: your appointment is on {{date}} at {{time}}. Need another time? {{reschedule_link}} Reply STOP to opt out.", false, true),
        new(MessageKinds.Reminder24h, MessageChannel.Email, "Your appointment with {{business_name}} on {{date}}",
            "Hi {{first_name}},\n\nThis is a reminder of your appointment with {{business_name}} on {{date}} at {{time}}.\n\nWhere: {{location}}\n\nIf that time no longer works, pick another one here: {{reschedule_link}}\n\nSee you soon,\n{{business_name}}", false, true),
        new(MessageKinds.Reminder2h, MessageChannel.Sms, null,
            "Hi {{first_name}}, see you today at {{time}} ({{business_name}}, {{location}}). To reschedule: {{reschedule_link}}", false, true),
        new(MessageKinds.Reminder15m, MessageChannel.Sms, null,
            "{{business_name}}: your appointment starts at {{time}}. {{location}}", false, true),
        new(MessageKinds.CheckIn, MessageChannel.Sms, null,
            "Hi {{first_name}}, did you make it to your appointment with {{business_name}} on {{date}}? Reply YES or NO.", false, true),
        new(MessageKinds.Rebook1, MessageChannel.Sms, null,
            "Hi {{first_name}}, we missed you at {{business_name}}. Let's find a new time: {{booking_link}}", false, true),
        new(MessageKinds.Rebook2, MessageChannel.Email, "Let's reschedule your appointment with {{business_name}}",
            "Hi {{first_name}},\n\nWe missed you at your appointment on {{date}}. It only takes a minute to book a new time:\n\n{{booking_link}}\n\nBest,\n{{business_name}}", false, true),
        new(MessageKinds.Rebook3, MessageChannel.Sms, null,
            "Hi {{first_name}}, one last note from {{business_name}}: book a new time whenever it suits you: {{booking_link}} Reply STOP to opt out.", false, true),
    ];

    /// <summary>The kinds a client can turn off (each reminder, the check-in, each rebook step).</summary>
    public static readonly IReadOnlyList<string> Switchable = [.. Defaults.Select(d => d.Kind).Distinct()];

    public static TemplateText? Default(string kind, MessageChannel channel) =>
        Defaults.FirstOrDefault(d => d.Kind == kind && d.Channel == channel);

    [GeneratedRegex(@"\{\{(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Placeholder();

    /// <summary>The problems of a template's text (empty when none), each naming the field.</summary>
    public static List<FieldIssue> Validate(string kind, MessageChannel channel, string? subject, string? body)
    {
        var issues = new List<FieldIssue>();
        if (Default(kind, channel) is null)
        {
            var channels = string.Join(" or ", Defaults.Where(d => d.Kind == kind).Select(d => d.Channel.ToString().ToUpperInvariant()));
            issues.Add(channels.Length == 0
                ? new FieldIssue("kind", $"Unknown kind '{kind}': one of {string.Join(", ", Switchable)}.")
                : new FieldIssue("channel", $"{kind} is sent by {channels} only."));
            return issues;
        }
        if (Validation.TextInput.Problem("The body", body) is { } badBody) issues.Add(new FieldIssue("body", badBody));
        else if (string.IsNullOrWhiteSpace(body)) issues.Add(new FieldIssue("body", "The message needs a body."));
        else
        {
            var max = channel == MessageChannel.Sms ? MaxSmsLength : MaxEmailLength;
            if (body.Length > max) issues.Add(new FieldIssue("body", $"The body is at most {max:N0} characters (this one has {body.Length:N0})."));
            if (PlaceholderProblem(body) is { } problem) issues.Add(new FieldIssue("body", problem));
        }
        if (channel == MessageChannel.Sms)
        {
            if (!string.IsNullOrWhiteSpace(subject)) issues.Add(new FieldIssue("subject", "An SMS has no subject."));
        }
        else if (Validation.TextInput.Problem("The subject", subject) is { } badSubject) issues.Add(new FieldIssue("subject", badSubject));
        else if (string.IsNullOrWhiteSpace(subject)) issues.Add(new FieldIssue("subject", "An email needs a subject."));
        else
        {
            if (subject.Length > MaxSubjectLength) issues.Add(new FieldIssue("subject", $"A subject is at most {MaxSubjectLength} characters."));
            if (subject.Any(char.IsControl)) issues.Add(new FieldIssue("subject", "A subject is one line."));
            if (PlaceholderProblem(subject) is { } problem) issues.Add(new FieldIssue("subject", problem));
        }
        return issues;
    }

    /// <summary>An unknown placeholder or a brace left open, named; null when every placeholder is known.</summary>
    public static string? PlaceholderProblem(string text)
    {
        var unknown = Placeholder().Matches(text).Select(m => m.Groups[1].Value.Trim())
            .Where(name => !Placeholders.ContainsKey(name)).Distinct().ToList();
        if (unknown.Count > 0)
            return $"Unknown placeholder{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}: "
                   + $"use {string.Join(", ", Placeholders.Keys.Select(k => "{{" + k + "}}"))}.";
        var rest = Placeholder().Replace(text, "");
        return rest.Contains("{{") || rest.Contains("}}") ? "A placeholder is not closed: write it as {{first_name}}." : null;
    }

    /// <summary>The text with its placeholders filled in (a valid template has only known ones).</summary>
    public static string Fill(string text, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(text, m => values.TryGetValue(m.Groups[1].Value.Trim(), out var v) ? v : "");

    public static RenderedTemplate Render(string? subject, string body, MessageChannel channel, IReadOnlyDictionary<string, string> values)
    {
        var text = Fill(body, values);
        return new(subject is null ? null : Fill(subject, values), text, channel == MessageChannel.Sms ? SmsSegments.Measure(text) : null);
    }

    /// <summary>The placeholders' values for a message to <paramref name="lead"/> about <paramref name="appointment"/>.</summary>
    public static Dictionary<string, string> Values(Client client, Lead? lead, Appointment? appointment)
    {
        var zone = KpiPeriodZone(LeadTimeZone.Of(lead, appointment?.AttendeeTimeZone ?? client.TimeZone));
        var values = new Dictionary<string, string>
        {
            ["first_name"] = string.IsNullOrWhiteSpace(lead?.FirstName) ? "there" : lead.FirstName.Trim(),
            ["business_name"] = client.Name,
            ["location"] = string.IsNullOrWhiteSpace(appointment?.Location) ? "the place in your booking confirmation" : appointment.Location.Trim(),
            ["booking_link"] = (lead is null ? null : BookingLinks.For(client.BookingUrl, client.Id, lead)) ?? client.BookingUrl ?? "",
            ["reschedule_link"] = appointment is null ? "" : RescheduleLink(client.BookingUrl, appointment.ProviderBookingUid),
        };
        if (appointment is not null)
        {
            var local = TimeZoneInfo.ConvertTime(appointment.StartsAt, zone);
            values["date"] = local.ToString("dddd, MMMM d", CultureInfo.InvariantCulture);
            values["time"] = local.ToString("h:mm tt", CultureInfo.InvariantCulture);
        }
        else values["date"] = values["time"] = "";
        return values;
    }

    /// <summary>Cal.com's page for rescheduling a booking, on the host of the client's booking page (cal.com when none).</summary>
    public static string RescheduleLink(string? bookingUrl, string uid)
    {
        var origin = Uri.TryCreate(bookingUrl, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : "https://cal.com";
        return $"{origin}/reschedule/{Uri.EscapeDataString(uid)}";
    }

    private static TimeZoneInfo KpiPeriodZone(string zone) => Kpis.KpiPeriod.Zone(zone);

    // ---- the client's templates and switches

    /// <summary>Every kind and channel with the wording in use and whether the kind is on.</summary>
    public async Task<List<TemplateText>> ListAsync(CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().SingleAsync(ct);
        var custom = await db.MessageTemplates.AsNoTracking().ToListAsync(ct);
        return [.. Defaults.Select(d => Effective(d, custom, client.MessageKindsOff))];
    }

    /// <summary>The wording in use for one kind and channel (the client's, else the default).</summary>
    public static TemplateText Effective(TemplateText defaults, IEnumerable<MessageTemplate> custom, IReadOnlyCollection<string> off)
    {
        var own = custom.FirstOrDefault(t => t.Kind == defaults.Kind && t.Channel == defaults.Channel);
        var enabled = !off.Contains(defaults.Kind);
        return own is null ? defaults with { Enabled = enabled } : new(own.Kind, own.Channel, own.Subject, own.Body, true, enabled);
    }

    /// <summary>Stores the client's wording of a kind on a channel (null issues: stored).</summary>
    public async Task<(TemplateText? Template, List<FieldIssue> Issues)> UpdateAsync(string kind, MessageChannel channel, string? subject, string? body, CancellationToken ct)
    {
        kind = kind.Trim();
        subject = channel == MessageChannel.Sms && string.IsNullOrWhiteSpace(subject) ? null : subject?.Trim();
        body = body?.Trim();
        var issues = Validate(kind, channel, subject, body);
        if (issues.Count > 0) return (null, issues);
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("Templates are a client's.");
        var row = await db.MessageTemplates.SingleOrDefaultAsync(t => t.Kind == kind && t.Channel == channel, ct);
        if (row is null) db.MessageTemplates.Add(row = new MessageTemplate { ClientId = clientId, Kind = kind, Channel = channel, Body = body! });
        row.Subject = subject;
        row.Body = body!;
        await db.SaveChangesAsync(ct);
        await Audit.WriteAsync(db, caller, clock, "message_template.update", clientId, $"{kind} {channel.ToString().ToLowerInvariant()}", ct: ct);
        return ((await ListAsync(ct)).Single(t => t.Kind == kind && t.Channel == channel), []);
    }

    /// <summary>Goes back to the default wording of a kind on a channel.</summary>
    public async Task<(TemplateText? Template, List<FieldIssue> Issues)> ResetAsync(string kind, MessageChannel channel, CancellationToken ct)
    {
        kind = kind.Trim();
        var issues = Validate(kind, channel, Default(kind, channel)?.Subject, Default(kind, channel)?.Body);
        if (issues.Count > 0) return (null, issues);
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("Templates are a client's.");
        var deleted = await db.MessageTemplates.Where(t => t.Kind == kind && t.Channel == channel).ExecuteDeleteAsync(ct);
        if (deleted > 0)
            await Audit.WriteAsync(db, caller, clock, "message_template.reset", clientId, $"{kind} {channel.ToString().ToLowerInvariant()}", ct: ct);
        return ((await ListAsync(ct)).Single(t => t.Kind == kind && t.Channel == channel), []);
    }

    /// <summary>Turns a kind on or off for the client's future sends (a message already handed over is not recalled).</summary>
    public async Task<List<FieldIssue>> SetEnabledAsync(string kind, bool enabled, CancellationToken ct)
    {
        kind = kind.Trim();
        if (!Switchable.Contains(kind)) return [new FieldIssue("kind", $"Unknown kind '{kind}': one of {string.Join(", ", Switchable)}.")];
        var client = await db.Clients.SingleAsync(ct);
        if (client.MessageKindsOff.Contains(kind) != enabled) return [];
        client.MessageKindsOff = enabled ? [.. client.MessageKindsOff.Where(k => k != kind)] : [.. client.MessageKindsOff, kind];
        await db.SaveChangesAsync(ct);
        await Audit.WriteAsync(db, caller, clock, enabled ? "message_kind.on" : "message_kind.off", client.Id, kind, ct: ct);
        return [];
    }

    /// <summary>
    /// A template's text (the one given, else the one in use) filled in with sample data: a lead named Alex, the client's
    /// name and booking page, an appointment next Tuesday at 10:00 in the client's zone at 123 Main Street.
    /// </summary>
    public async Task<(RenderedTemplate? Preview, List<FieldIssue> Issues)> PreviewAsync(string kind, MessageChannel channel, string? subject, string? body, CancellationToken ct)
    {
        kind = kind.Trim();
        var client = await db.Clients.AsNoTracking().SingleAsync(ct);
        if (body is null && Default(kind, channel) is { } d)
        {
            var current = Effective(d, await db.MessageTemplates.AsNoTracking().ToListAsync(ct), client.MessageKindsOff);
            (subject, body) = (current.Subject, current.Body);
        }
        subject = channel == MessageChannel.Sms && string.IsNullOrWhiteSpace(subject) ? null : subject?.Trim();
        var issues = Validate(kind, channel, subject, body?.Trim());
        if (issues.Count > 0) return (null, issues);
        var zone = Kpis.KpiPeriod.Zone(client.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        var tuesday = today.AddDays(((int)DayOfWeek.Tuesday - (int)today.DayOfWeek + 7) % 7 is 0 ? 7 : ((int)DayOfWeek.Tuesday - (int)today.DayOfWeek + 7) % 7);
        var starts = Dialer.CallingWindow.Instant(tuesday, new TimeOnly(10, 0), zone);
        var lead = new Lead { ClientId = client.Id, FirstName = "Alex", PhoneE164 = "+15555550123", PhoneRaw = "+15555550123", TimeZone = client.TimeZone, Email = "alex@example.com" };
        var appointment = new Appointment { ClientId = client.Id, ProviderBookingUid = "sample-booking", StartsAt = starts, EndsAt = starts.AddMinutes(30), Location = "123 Main Street" };
        return (Render(subject, body!.Trim(), channel, Values(client, lead, appointment)), []);
    }
}
