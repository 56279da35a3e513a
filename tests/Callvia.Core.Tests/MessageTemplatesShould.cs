using Callvia.Core.Appointments;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>The template rules: placeholders, what is refused, how a message is filled in for its lead.</summary>
public sealed class MessageTemplatesShould
{
    private static readonly Client Client = new() { Slug = "bright", Name = "Bright Smiles", TimeZone = "America/New_York", BookingUrl = "https://cal.example.com/bright/cleaning" };

    [Fact]
    public void Have_a_valid_default_for_every_kind_and_channel_that_is_sent()
    {
        foreach (var d in MessageTemplates.Defaults)
            Assert.Empty(MessageTemplates.Validate(d.Kind, d.Channel, d.Subject, d.Body));
        Assert.Equal(["reminder_24h", "reminder_2h", "reminder_15m", "checkin", "rebook_1", "rebook_2", "rebook_3"], MessageTemplates.Switchable);
        // every reminder kind the schedule plans has its wording
        foreach (var (kind, _, channels) in ReminderSchedule.Steps)
            foreach (var channel in channels)
                Assert.NotNull(MessageTemplates.Default(kind, channel));
    }

    [Theory]
    [InlineData("Hi {{firstname}}", "Unknown placeholder {{firstname}}")]
    [InlineData("Hi {{first_name}} on {{weekday}} and {{hour}}", "Unknown placeholders {{weekday}}, {{hour}}")]
    [InlineData("Hi {{first_name}, see you", "A placeholder is not closed")]
    [InlineData("Hi first_name}}", "A placeholder is not closed")]
    public void Refuse_an_unknown_or_unclosed_placeholder_naming_it(string body, string problem)
    {
        var issue = Assert.Single(MessageTemplates.Validate("reminder_2h", MessageChannel.Sms, null, body));
        Assert.Equal("body", issue.Field);
        Assert.StartsWith(problem, issue.Message);
    }

    [Fact]
    public void Refuse_what_a_channel_cannot_carry()
    {
        Assert.Equal("subject", Assert.Single(MessageTemplates.Validate("reminder_2h", MessageChannel.Sms, "Hello", "Hi")).Field);
        Assert.Equal("subject", Assert.Single(MessageTemplates.Validate("reminder_24h", MessageChannel.Email, null, "Hi")).Field);
        Assert.Equal("subject", Assert.Single(MessageTemplates.Validate("reminder_24h", MessageChannel.Email, "Two\nlines", "Hi")).Field);
        Assert.Equal("body", Assert.Single(MessageTemplates.Validate("reminder_2h", MessageChannel.Sms, null, new string('a', 1601))).Field);
        Assert.Empty(MessageTemplates.Validate("reminder_2h", MessageChannel.Sms, null, new string('a', 1600)));
        Assert.Equal("channel", Assert.Single(MessageTemplates.Validate("reminder_2h", MessageChannel.Email, "s", "b")).Field);
        Assert.Equal("kind", Assert.Single(MessageTemplates.Validate("manual", MessageChannel.Sms, null, "b")).Field);
    }

    [Fact]
    public void Fill_in_the_leads_local_time_the_place_and_the_links()
    {
        var lead = new Lead { ClientId = Client.Id, FirstName = " Dana ", PhoneE164 = "+13105550100", PhoneRaw = "+13105550100", TimeZone = "America/Los_Angeles" };
        var starts = new DateTimeOffset(2026, 11, 1, 17, 30, 0, TimeSpan.Zero); // the day clocks go back: 09:30 PST
        var appointment = new Appointment { ClientId = Client.Id, ProviderBookingUid = "bk 1/2", StartsAt = starts, EndsAt = starts.AddMinutes(30), Location = "https://meet.example.com/x" };
        var values = MessageTemplates.Values(Client, lead, appointment);
        Assert.Equal("Dana", values["first_name"]);
        Assert.Equal("Sunday, November 1", values["date"]);
        Assert.Equal("9:30 AM", values["time"]);
        Assert.Equal("https://meet.example.com/x", values["location"]);
        Assert.Equal("https://cal.example.com/reschedule/bk%201%2F2", values["reschedule_link"]);
        Assert.StartsWith("https://cal.example.com/bright/cleaning?", values["booking_link"]);

        var text = MessageTemplates.Render(null, "{{ first_name }}: {{business_name}} at {{time}}", MessageChannel.Sms, values);
        Assert.Equal("Dana: Bright Smiles at 9:30 AM", text.Body);
        Assert.Equal(new SmsLength(SmsEncoding.Gsm7, 30, 1), text.Sms);

        // no name, no place, no booking page: words a person can read, never an empty gap or a placeholder
        var bare = MessageTemplates.Values(new Client { Slug = "x", Name = "X" }, new Lead { PhoneE164 = "+1", PhoneRaw = "+1" },
            new Appointment { ProviderBookingUid = "u", StartsAt = starts, EndsAt = starts });
        Assert.Equal("there", bare["first_name"]);
        Assert.Equal("the place in your booking confirmation", bare["location"]);
        Assert.Equal("https://cal.com/reschedule/u", bare["reschedule_link"]);
        Assert.Equal("12:30 PM", bare["time"]); // no zone of the lead's: the client's (New York)
    }
}
