using System.Globalization;
using Callvia.Core.Campaigns;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Callvia.Portal.Pages.Campaigns;

/// <summary>
/// The campaign form (the "New campaign" dialog and a campaign's settings): what a person types, read into Core's
/// <see cref="CampaignInput"/>; the rules are <see cref="CampaignEditor"/>'s, the API's. Problems go next to their
/// field (keys <c>Form.{Field}</c>); nothing is saved while there is one.
/// </summary>
public sealed class CampaignForm
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? CallWindowStart { get; set; }
    public string? CallWindowEnd { get; set; }
    public string? MaxConcurrentCalls { get; set; }
    public string? MaxAttempts { get; set; }
    /// <summary>Minutes before each retry, comma-separated: "60, 240, 1440".</summary>
    public string? RetryLadder { get; set; }
    /// <summary>The allowed weekdays (checkboxes: their names).</summary>
    public List<DayOfWeek> Days { get; set; } = [];
    public bool RequiresConsent { get; set; }
    public string? RetellAgentId { get; set; }
    public string? FromNumber { get; set; }

    /// <summary>(field, label, input type, hint) in the order the form shows them.</summary>
    public static readonly IReadOnlyList<(string Field, string Label, string Type, string? Hint)> Fields =
    [
        (nameof(Name), "Name", "text", null),
        (nameof(Description), "Description", "text", "Optional."),
        (nameof(CallWindowStart), "Calls from", "time", "In each lead's own time zone."),
        (nameof(CallWindowEnd), "Calls until", "time", null),
        (nameof(MaxConcurrentCalls), "Calls at once", "number", "1 to 100."),
        (nameof(MaxAttempts), "Attempts per lead", "number", "1 to 10."),
        (nameof(RetryLadder), "Minutes before each retry", "text", "E.g. 60, 240, 1440: the first retry an hour later, then 4 hours, then a day."),
        (nameof(RetellAgentId), "Retell agent id", "text", "The AI agent that makes the calls."),
        (nameof(FromNumber), "Calling number", "tel", "The number leads see."),
    ];

    public static CampaignForm Of(Campaign c) => new()
    {
        Name = c.Name, Description = c.Description,
        CallWindowStart = c.CallWindowStart.ToString("HH:mm", CultureInfo.InvariantCulture),
        CallWindowEnd = c.CallWindowEnd.ToString("HH:mm", CultureInfo.InvariantCulture),
        MaxConcurrentCalls = c.MaxConcurrentCalls.ToString(CultureInfo.InvariantCulture),
        MaxAttempts = c.MaxAttempts.ToString(CultureInfo.InvariantCulture),
        RetryLadder = string.Join(", ", c.RetryLadderMinutes),
        Days = [.. c.AllowedDays.Order()], RequiresConsent = c.RequiresConsent,
        RetellAgentId = c.RetellAgentId, FromNumber = c.FromNumber,
    };

    /// <summary>A new campaign's form: the defaults a campaign starts with.</summary>
    public static CampaignForm Defaults() => Of(new Campaign { Name = "" });

    public string? Value(string field) => field switch
    {
        nameof(Name) => Name, nameof(Description) => Description, nameof(CallWindowStart) => CallWindowStart,
        nameof(CallWindowEnd) => CallWindowEnd, nameof(MaxConcurrentCalls) => MaxConcurrentCalls, nameof(MaxAttempts) => MaxAttempts,
        nameof(RetryLadder) => RetryLadder, nameof(RetellAgentId) => RetellAgentId, nameof(FromNumber) => FromNumber,
        _ => null,
    };

    /// <summary>The input, or null with the problems in <paramref name="state"/>. Empty text clears what may be cleared.</summary>
    public CampaignInput? Read(ModelStateDictionary state)
    {
        var before = state.ErrorCount;
        TimeOnly? Time(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) { state.AddModelError(Key(field), "Give a time (HH:mm)."); return null; }
            if (TimeOnly.TryParseExact(value.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t;
            state.AddModelError(Key(field), "Use HH:mm (24-hour), e.g. 09:00.");
            return null;
        }
        int? Number(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) { state.AddModelError(Key(field), "Give a whole number."); return null; }
            if (int.TryParse(value.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n)) return n;
            state.AddModelError(Key(field), "Give a whole number.");
            return null;
        }
        var input = new CampaignInput(Name ?? "", Description ?? "", Time(nameof(CallWindowStart), CallWindowStart), Time(nameof(CallWindowEnd), CallWindowEnd),
            Number(nameof(MaxConcurrentCalls), MaxConcurrentCalls), Number(nameof(MaxAttempts), MaxAttempts), null,
            RetellAgentId?.Trim() ?? "", FromNumber?.Trim() ?? "", Days.Distinct().ToList(), Ladder(), RequiresConsent);
        List<int>? Ladder()
        {
            var steps = new List<int>();
            foreach (var part in (RetryLadder ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var m))
                {
                    state.AddModelError(Key(nameof(RetryLadder)), "Give minutes separated by commas, e.g. 60, 240, 1440.");
                    return null;
                }
                steps.Add(m);
            }
            return steps;
        }
        return state.ErrorCount > before ? null : input;
    }

    /// <summary>Puts the editor's problems next to their fields (its field names are the API's: <c>callWindowEnd</c>).</summary>
    public static void Report(IEnumerable<FieldIssue> issues, ModelStateDictionary state)
    {
        foreach (var issue in issues)
        {
            // the editor's names are the API's; two of them are this form's RetryLadder and Days
            var field = issue.Field switch { "retryLadderMinutes" or "retryDelayMinutes" => nameof(RetryLadder), "callDays" => nameof(Days), var f => f };
            state.AddModelError(Fields.Any(f => string.Equals(f.Field, field, StringComparison.OrdinalIgnoreCase)) || field == nameof(Days)
                ? Key(char.ToUpperInvariant(field[0]) + field[1..]) : "Form", issue.Message);
        }
    }

    public static string Key(string field) => "Form." + field;
}
