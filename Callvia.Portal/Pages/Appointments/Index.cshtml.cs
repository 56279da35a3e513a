using System.Globalization;
using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Kpis;
using Callvia.Core.Leads;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Appointments;

/// <summary>
/// The client's appointments: a list (by <see cref="AppointmentViews"/>: upcoming, to verify, shown, no-show, cancelled,
/// all; keyset pages), a month calendar and a week, in the client's time zone; and the verification controls ("showed
/// up" / "did not show", correcting an earlier answer) through <see cref="AppointmentVerification"/>, the API's rule.
/// Anyone of the client may verify.
/// </summary>
public sealed class IndexModel(CallviaDbContext db, AppointmentVerification verification, TimeProvider clock) : Hosting.PortalPage
{
    public const int PageSize = 50, CalendarLimit = 2000;

    /// <summary>An appointment with its lead's name and its own messages (reminders, check-in, rebook steps), in the order they are due.</summary>
    public sealed record Row(Appointment Appointment, string? LeadName, IReadOnlyList<Core.Messaging.Message> Messages);

    [BindProperty(SupportsGet = true)] public string? Layout { get; set; }
    [BindProperty(SupportsGet = true, Name = "show")] public string? Show { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? Date { get; set; }
    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public AppointmentView View { get; private set; } = AppointmentView.Upcoming;
    public string LayoutName { get; private set; } = "list";
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public DateOnly Today { get; private set; }
    public DateOnly Anchor { get; private set; }
    public DateOnly FirstDay { get; private set; }
    public DateOnly LastDay { get; private set; }
    public int ToVerify { get; private set; }
    public bool Truncated { get; private set; }
    public string? Notice { get; private set; }

    public static readonly IReadOnlyList<(AppointmentView View, string Key, string Label)> Views =
    [
        (AppointmentView.Upcoming, "upcoming", "Upcoming"), (AppointmentView.ToVerify, "to_verify", "To verify"),
        (AppointmentView.Shown, "shown", "Shown"), (AppointmentView.NoShow, "no_show", "No-show"),
        (AppointmentView.Cancelled, "cancelled", "Cancelled"), (AppointmentView.All, "all", "All"),
    ];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Tenant.ClientId is null) return NotFound();
        await LoadAsync(ct);
        Notice = Request.Query["saved"].ToString() switch
        {
            "shown" => "Recorded: the lead showed up.",
            "no_show" => "Recorded: the lead did not show.",
            _ => null,
        };
        return Page();
    }

    /// <summary>The client's answer for one appointment; back to the same list or calendar.</summary>
    public async Task<IActionResult> OnPostVerifyAsync(Guid appointmentId, string? answer, string? note, CancellationToken ct)
    {
        if (Tenant.ClientId is null) return NotFound();
        bool? showed = answer switch { "shown" => true, "no_show" => false, _ => null };
        if (showed is null)
        {
            ModelState.AddModelError("answer", "Choose “showed up” or “did not show”.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        var result = await verification.RecordClientAnswerAsync(appointmentId, showed.Value, string.IsNullOrWhiteSpace(note) ? null : note, ct);
        if (result.Issues.Count > 0)
        {
            if (result.Issues[0].Code == "NOT_FOUND") return NotFound();
            ModelState.AddModelError($"verify-{appointmentId}", result.Issues[0].Message);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }
        return Redirect(Here(saved: showed.Value ? "shown" : "no_show") + $"#a-{appointmentId}");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Today = KpiPeriod.TodayIn(TimeZone, now);
        View = Views.FirstOrDefault(v => v.Key == Show).View; // an unknown view: upcoming (the first)
        LayoutName = Layout is "month" or "week" ? Layout : "list";
        Anchor = Date is { } d && d >= KpiPeriod.Earliest && d <= KpiPeriod.Latest ? d : Today;
        ToVerify = await AppointmentViews.Apply(db.Appointments, AppointmentView.ToVerify, now).CountAsync(ct);

        var query = AppointmentViews.Apply(db.Appointments.AsNoTracking(), View, now);
        List<Appointment> found;
        if (LayoutName == "list")
        {
            if (After is not null && Display.PageCursor.Parse(After) is { } a)
            {
                var (t, id) = a;
                query = View is AppointmentView.Upcoming or AppointmentView.ToVerify
                    ? query.Where(x => x.StartsAt > t || (x.StartsAt == t && x.Id.CompareTo(id) > 0))
                    : query.Where(x => x.StartsAt < t || (x.StartsAt == t && x.Id.CompareTo(id) < 0));
            }
            found = await AppointmentViews.Order(query, View).Take(PageSize + 1).ToListAsync(ct);
            NextCursor = found.Count > PageSize ? Display.PageCursor.Of(found[PageSize - 1].StartsAt, found[PageSize - 1].Id) : null;
            found = found.Take(PageSize).ToList();
        }
        else
        {
            if (LayoutName == "month")
            {
                var first = new DateOnly(Anchor.Year, Anchor.Month, 1);
                FirstDay = first.AddDays(-(((int)first.DayOfWeek + 6) % 7)); // the Monday of its first week
                LastDay = FirstDay.AddDays(41);                                // six weeks
            }
            else
            {
                FirstDay = Anchor.AddDays(-(((int)Anchor.DayOfWeek + 6) % 7));
                LastDay = FirstDay.AddDays(6);
            }
            var range = new KpiPeriod(KpiPeriod.Custom, FirstDay, LastDay).ToRange(TimeZone, null);
            found = await query.Where(x => x.StartsAt >= range.From && x.StartsAt < range.To)
                .OrderBy(x => x.StartsAt).ThenBy(x => x.Id).Take(CalendarLimit + 1).ToListAsync(ct);
            Truncated = found.Count > CalendarLimit;
            found = found.Take(CalendarLimit).ToList();
        }
        var leadIds = found.Where(x => x.LeadId is not null).Select(x => x.LeadId!.Value).Distinct().ToList();
        var names = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id))
            .Select(l => new { l.Id, l.FirstName, l.LastName }).ToDictionaryAsync(l => l.Id, l => $"{l.FirstName} {l.LastName}".Trim(), ct);
        var ids = found.Select(x => x.Id).ToList();
        var messages = (await db.Messages.AsNoTracking().Where(m => m.AppointmentId != null && ids.Contains(m.AppointmentId.Value))
            .OrderBy(m => m.ScheduledFor ?? m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct)).ToLookup(m => m.AppointmentId!.Value);
        Rows = found.Select(x => new Row(x, x.LeadId is { } id && names.TryGetValue(id, out var n) && n.Length > 0 ? n : x.AttendeeName,
            [.. messages[x.Id]])).ToList();
    }

    /// <summary>Whether the client may answer for it now (not cancelled, started), as the rule says.</summary>
    public bool CanVerify(Appointment a) => AppointmentVerification.RefuseClientAnswer(a, clock.GetUtcNow()) is null;

    public DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, KpiPeriod.Zone(TimeZone)).DateTime);

    public string LocalTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, KpiPeriod.Zone(TimeZone)).ToString("h:mm tt", CultureInfo.GetCultureInfo("en-US"));

    /// <summary>This page's address with some parts changed.</summary>
    public string Here(string? layout = null, string? show = null, DateOnly? date = null, string? after = null, string? saved = null)
    {
        var query = new List<KeyValuePair<string, string?>>
        {
            new("layout", layout ?? LayoutName), new("show", show ?? Views.First(v => v.View == View).Key),
        };
        if ((layout ?? LayoutName) != "list") query.Add(new("date", (date ?? Anchor).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        if (after is not null) query.Add(new("after", after));
        if (saved is not null) query.Add(new("saved", saved));
        return "/appointments" + QueryString.Create(query);
    }
}
