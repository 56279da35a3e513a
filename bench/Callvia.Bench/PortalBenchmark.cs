using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Callvia.Bench;

/// <summary>
/// The portal's pages for a client with a million leads, timed over real HTTP with a signed-in session, beside the same
/// data read through GraphQL with a partner token (the portal must not be slower than the API it shares Core with):
/// the dashboard (last 30 days), the leads page 1, page 20 (by the pages' own next links), a search, and a lead's
/// page. Sequential, warm-ups first, p50/p95 of N runs; the budget is the portal's p95.
/// </summary>
public static partial class PortalBenchmark
{
    private const string KpisQuery = """
        query($from: DateTime, $to: DateTime) { kpis(from: $from, to: $to) {
          leads calls calledLeads contactedLeads contactRate appointmentsBooked appointmentsShown appointmentsVerified showRate
          usageCost { amount currency } costPerShow { amount currency } callsByDay { day count } leadsByStatus { status count } } }
        """;

    private const string LeadsQuery = """
        query($first: Int, $after: String, $filter: LeadFilter) { leads(first: $first, after: $after, filter: $filter) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { id firstName lastName phone email status createdAt campaign { name } } } } }
        """;

    private const string LeadQuery = """
        query($id: ID!) { node(id: $id) { ... on Lead { id firstName lastName phone email status customFields { name value }
          calls(first: 50) { id status startedAt durationSeconds outcome summary transcript recordingUrl }
          appointments(first: 50) { id startsAt endsAt status } } } }
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var api = new Uri(o["api"]);
        var portal = new Uri(o["portal"]);
        var runs = int.Parse(o.GetValueOrDefault("runs", "200"));
        var warmups = int.Parse(o.GetValueOrDefault("warmups", "20"));
        var budgetMs = double.Parse(o.GetValueOrDefault("budget-ms", "100"));
        var slug = o.GetValueOrDefault("tenant", "acme");

        using var graphql = new HttpClient(KpiBenchmark.LoopbackHandler()) { Timeout = TimeSpan.FromMinutes(2) };
        var apiTenant = new Uri($"http://{slug}.localhost:{api.Port}");
        var token = await KpiBenchmark.TokenAsync(graphql, apiTenant, o["client-id"], o["secret"]);

        var handler = KpiBenchmark.LoopbackHandler();
        handler.CookieContainer = new CookieContainer();
        handler.UseCookies = true;
        handler.AllowAutoRedirect = false;
        using var browser = new HttpClient(handler) { BaseAddress = new Uri($"http://{slug}.localhost:{portal.Port}"), Timeout = TimeSpan.FromMinutes(2) };
        await SignInAsync(browser, o["email"], o["password"]);

        await using var super = new Npgsql.NpgsqlDataSourceBuilder(o["super"]).Build();
        var lead = await KpiBenchmark.ScalarAsync<Guid>(super,
            $"SELECT lead_id FROM call_logs WHERE client_id = (SELECT id FROM clients WHERE slug = '{slug}') AND lead_id IS NOT NULL GROUP BY lead_id ORDER BY count(*) DESC, lead_id LIMIT 1");
        var leadId = GlobalId("Lead", lead);
        var now = DateTime.UtcNow;
        var days30 = new { from = now.Date.AddDays(-29).ToString("O"), to = now.Date.AddDays(1).ToString("O") };

        // page 20, reached as a person would: by each page's next link (portal) or endCursor (GraphQL)
        var portalPage20 = "/leads";
        for (var i = 1; i < 20; i++) portalPage20 = NextLink(await GetAsync(browser, portalPage20)) ?? throw new InvalidOperationException($"no page {i + 1}");
        string? cursor = null;
        for (var i = 1; i < 20; i++)
            cursor = (await KpiBenchmark.PostAsync(graphql, apiTenant, token, LeadsQuery, new { first = 50, after = cursor }))
                .GetProperty("leads").GetProperty("pageInfo").GetProperty("endCursor").GetString();

        var cases = new (string Name, string Path, string Query, object Variables)[]
        {
            ("dashboard (last 30 days)", "/", KpisQuery, days30),
            ("leads page 1", "/leads", LeadsQuery, new { first = 50 }),
            ("leads page 20", portalPage20, LeadsQuery, new { first = 50, after = cursor }),
            ("leads search \"Whitfield\"", "/leads?q=Whitfield", LeadsQuery, new { first = 50, filter = new { search = "Whitfield" } }),
            ("lead page (its history)", $"/leads/{lead}", LeadQuery, new { id = leadId }),
        };
        for (var i = 0; i < warmups; i++)
            foreach (var c in cases)
            {
                await GetAsync(browser, c.Path);
                await KpiBenchmark.PostAsync(graphql, apiTenant, token, c.Query, c.Variables);
            }

        var rows = new List<string[]>();
        var ok = true;
        foreach (var c in cases)
        {
            var page = await TimeAsync(runs, () => GetAsync(browser, c.Path));
            var api95 = await TimeAsync(runs, () => KpiBenchmark.PostAsync(graphql, apiTenant, token, c.Query, c.Variables));
            var pass = page.P95 < budgetMs;
            ok &= pass;
            rows.Add([c.Name, $"{page.P50:F1} ms", $"{page.P95:F1} ms", $"{api95.P50:F1} ms", $"{api95.P95:F1} ms", $"< {budgetMs} ms", pass ? "ok" : "OVER"]);
            Console.Error.WriteLine($"  {c.Name}: portal p95 {page.P95:F1} ms, GraphQL p95 {api95.P95:F1} ms");
        }
        Console.WriteLine($"{runs} sequential runs each after {warmups} warm-ups of every case; portal pages with a signed-in session, GraphQL with a partner token; {Environment.ProcessorCount} cores");
        Table.Print(["page", "portal p50", "portal p95", "GraphQL p50", "GraphQL p95", "budget (portal p95)", "verdict"], rows);
        return ok ? 0 : 1;
    }

    private static async Task<(double P50, double P95)> TimeAsync<T>(int runs, Func<Task<T>> work)
    {
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await work();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (KpiBenchmark.Percentile(times, 0.50), KpiBenchmark.Percentile(times, 0.95));
    }

    private static async Task<string> GetAsync(HttpClient browser, string path)
    {
        using var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
        return html;
    }

    private static async Task SignInAsync(HttpClient browser, string email, string password)
    {
        var form = await GetAsync(browser, "/account/sign-in");
        var token = Antiforgery().Match(form).Groups[1].Value;
        using var response = await browser.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"portal sign-in of {email}: {(int)response.StatusCode}");
    }

    private static string? NextLink(string html) =>
        NextPage().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    private static string GlobalId(string type, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{type}:{id:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("href=\"([^\"]+)\" rel=\"next\" data-testid=\"next-page\"")]
    private static partial Regex NextPage();
}
