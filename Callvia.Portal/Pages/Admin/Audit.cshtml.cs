using Callvia.Core.Auditing;
using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Admin;

/// <summary>The audit log for the agency (admin host only): by client, action, actor and UTC days, newest first (<see cref="AuditLog"/>).</summary>
public sealed class AuditModel(AgencyAccess agency) : Hosting.PortalPage
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)] public Guid? Client { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public IReadOnlyList<AuditEntry> Rows { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> ClientNames { get; private set; } = new Dictionary<Guid, string>();
    public long? NextBefore { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Tenant.IsAdminHost) return NotFound();
        if (From is { } f && To is { } t && t < f) ModelState.AddModelError(nameof(To), "The last day is before the first.");
        var bounded = (From is null || From >= KpiPeriod.Earliest && From <= KpiPeriod.Latest) && (To is null || To >= KpiPeriod.Earliest && To <= KpiPeriod.Latest);
        if (!bounded) ModelState.AddModelError(nameof(To), "Choose days between 2000 and 2099.");
        if (Core.Validation.TextInput.FirstProblem(("The action", Action), ("Who", Actor)) is { } unstorable)
        {
            ModelState.AddModelError(nameof(To), unstorable.Message);
            (Action, Actor) = (null, null);
        }
        var ok = ModelState.ErrorCount == 0;
        var filter = new AuditFilter(Client, Truncate(Action), Truncate(Actor),
            ok && From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            ok && To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null);
        (Rows, ClientNames) = await agency.RunAsync("console.audit_log", async (db, _) =>
            (await AuditLog.PageAsync(db, filter, Before, PageSize + 1, ct),
             (IReadOnlyDictionary<Guid, string>)await db.Clients.AsNoTracking().OrderBy(c => c.Name).ToDictionaryAsync(c => c.Id, c => c.Name, ct)), ct: ct);
        if (Rows.Count > PageSize) { Rows = Rows.Take(PageSize).ToList(); NextBefore = Rows[^1].Id; }
        return Page();
    }

    public string Next() => "/audit" + QueryString.Create(new Dictionary<string, string?>
    {
        ["client"] = Client?.ToString(), ["action"] = Action, ["actor"] = Actor, ["from"] = From?.ToString("yyyy-MM-dd"), ["to"] = To?.ToString("yyyy-MM-dd"),
        ["before"] = NextBefore?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(kv => !string.IsNullOrEmpty(kv.Value)));

    private static string? Truncate(string? s) => s is { Length: > 200 } ? s[..200] : s;
}
