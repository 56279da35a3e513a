using System.Globalization;
using Callvia.Core.Data;
using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Callvia.Portal.Pages.Admin;

/// <summary>
/// The agency console's clients (admin host, agency admins only: the /Admin folder's policy): each client with its KPIs
/// for a period (<see cref="KpiService.GetManyAsync"/>, one round trip; the period is UTC days and each client's figures
/// are its whole local days inside it), create a client and suspend or reactivate one (<see cref="ClientAdmin"/>, the
/// API's rules, audited), and the way into a client's portal (sign in on its host: audited, with a banner while acting).
/// </summary>
public sealed class ClientsModel(AgencyAccess agency, ClientAdmin admin, Core.Dialer.DialerSwitches switches, IOptionsSnapshot<TenancyOptions> tenancy,
    IConfiguration configuration, TimeProvider clock)
    : Hosting.PortalPage
{
    public sealed record Row(Client Client, int Campaigns, KpiSnapshot Kpis);

    public sealed class NewClientForm
    {
        public string? Name { get; set; }
        public string? Slug { get; set; }
        public string? TimeZone { get; set; } = "America/New_York";
        public string? DefaultRegion { get; set; } = "US";
        public string? RatePerMinute { get; set; } = "0.20";
        public string? MilestoneSize { get; set; } = "25";
        public string? MilestoneAmount { get; set; } = "2000";
    }

    [BindProperty(SupportsGet = true, Name = "range")] public string? Preset { get; set; }
    [BindProperty] public NewClientForm Form { get; set; } = new();
    public KpiPeriod Period { get; private set; } = null!;
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public bool DialogOpen { get; private set; }
    /// <summary>Why the platform-wide dialer is stopped, or null when it runs.</summary>
    public string? PlatformStop { get; private set; }
    [BindProperty] public string? StopReason { get; set; }
    public string? Notice { get; private set; }

    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context,
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        if (!Tenant.IsAdminHost) { context.Result = NotFound(); return; } // the console is the admin host's only
        await next();
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Notice = Request.Query["saved"].ToString() switch
        {
            "created" => "Client created.", "suspended" => "Client suspended: its people, partners and webhooks are refused.",
            "active" => "Client reactivated.",
            "calls-stopped" => "Calls stopped for the client: no new call starts; calls in progress finish.",
            "calls-resumed" => "Calls resumed for the client.",
            "platform-stopped" => "Calls stopped on the whole platform: no new call starts; calls in progress finish.",
            "platform-resumed" => "Calls resumed on the platform.", _ => null,
        };
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        ModelState.Clear();
        decimal? Money(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (decimal.TryParse(value.Trim().TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out var d)) return d;
            ModelState.AddModelError("Form." + field, "Give an amount such as 0.20.");
            return null;
        }
        int? Whole(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (int.TryParse(value.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n)) return n;
            ModelState.AddModelError("Form." + field, "Give a whole number.");
            return null;
        }
        var input = new ClientInput(Form.Slug, Form.Name, Form.TimeZone, Form.DefaultRegion, Money("RatePerMinute", Form.RatePerMinute),
            Whole("MilestoneSize", Form.MilestoneSize), Money("MilestoneAmount", Form.MilestoneAmount));
        if (ModelState.ErrorCount == 0)
        {
            var (client, issues) = await admin.CreateAsync(input, ct);
            if (client is not null) return Redirect("/clients?saved=created");
            foreach (var issue in issues)
                ModelState.AddModelError("Form." + char.ToUpperInvariant(issue.Field[0]) + issue.Field[1..], issue.Message);
        }
        DialogOpen = true;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostStatusAsync(Guid clientId, string? status, CancellationToken ct)
    {
        if (status is not ("active" or "suspended")) return BadRequest();
        var (client, _) = await admin.SetStatusAsync(clientId, status == "active" ? ClientStatus.Active : ClientStatus.Suspended, ct);
        return client is null ? NotFound() : Redirect($"/clients?saved={status}");
    }

    /// <summary>The client's kill switch.</summary>
    public async Task<IActionResult> OnPostDialerAsync(Guid clientId, string? calls, CancellationToken ct)
    {
        if (calls is not ("stop" or "resume")) return BadRequest();
        return await switches.SetClientAsync(clientId, calls == "stop", ct) ? Redirect($"/clients?saved=calls-{(calls == "stop" ? "stopped" : "resumed")}") : NotFound();
    }

    /// <summary>The platform-wide kill switch; stopping needs a reason (it is shown and audited).</summary>
    public async Task<IActionResult> OnPostPlatformAsync(string? calls, CancellationToken ct)
    {
        if (calls == "resume")
        {
            await switches.StartPlatformAsync(ct);
            return Redirect("/clients?saved=platform-resumed");
        }
        if (calls != "stop") return BadRequest();
        var reason = StopReason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500 || Core.Validation.TextInput.Problem("reason", reason) is not null)
        {
            ModelState.Clear();
            ModelState.AddModelError(nameof(StopReason), string.IsNullOrEmpty(reason) ? "Say why calls stop (it is shown and audited)." : "Up to 500 characters of plain text.");
            await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        await switches.StopPlatformAsync(reason, ct);
        return Redirect("/clients?saved=platform-stopped");
    }

    /// <summary>The client's portal, where the agency admin signs in to act inside it.</summary>
    public string PortalUrl(Client c)
    {
        var port = Request.Host.Port is { } p && p is not (80 or 443) ? ":" + p : "";
        return $"{Request.Scheme}://{c.Slug}.{tenancy.Value.RootDomain}{port}/account/sign-in";
    }

    /// <summary>The jobs service's dashboard (Hangfire), when the portal knows where it runs.</summary>
    public string? JobsUrl => (configuration["services:jobs:https:0"] ?? configuration["services:jobs:http:0"]) is { Length: > 0 } jobs
        ? jobs.TrimEnd('/') + "/hangfire" : configuration["Callvia:JobsDashboardUrl"];

    private async Task LoadAsync(CancellationToken ct)
    {
        // the console offers the presets only: a custom or unknown one is the default period
        var today = KpiPeriod.TodayIn("UTC", clock.GetUtcNow());
        Period = KpiPeriod.Resolve(Preset == KpiPeriod.Custom ? null : Preset, null, null, today).Period!;
        Preset = Period.Preset;
        var range = Period.ToRange("UTC", null);
        Rows = await agency.RunAsync("console.list_clients", async (db, sp) =>
        {
            var clients = await db.Clients.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
            var campaigns = await db.Campaigns.GroupBy(c => c.ClientId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
            var kpis = await sp.GetRequiredService<KpiService>().GetManyAsync(clients.Select(c => c.Id).ToList(), range, ct);
            PlatformStop = await Core.Dialer.DialerSwitches.PlatformStopAsync(db, ct);
            return clients.Select(c => new Row(c, campaigns.GetValueOrDefault(c.Id), kpis[c.Id])).ToList();
        }, detail: $"{Period.Preset}", ct: ct);
    }
}
