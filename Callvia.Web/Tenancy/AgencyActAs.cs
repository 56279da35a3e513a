using Callvia.Core.Tenancy;
using Callvia.Core.Auditing;
using Callvia.Core.Data;
using Callvia.Web.Auditing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Web.Tenancy;

/// <summary>Whether an agency principal must name the client it acts inside (the API: yes; the portal: its sign-in is the step).</summary>
public sealed class ActAsOptions
{
    public bool RequireHeader { get; set; }
}

/// <summary>
/// An agency principal (agency admin, agency-bound token) on a client's host acts inside that client, explicitly
/// and audited: on the API it must send <c>X-Callvia-Act-As: {slug}</c> naming the host's client (a browser's GET:
/// <c>?actAs={slug}</c>), otherwise it is
/// refused (403); every request it makes there writes an <c>agency.act_as</c> audit row (who, which client, what).
/// The portal's explicit step is signing in on the client's host (audited <c>agency.sign_in_to_client</c>; the
/// session cookie is bound to that host); its requests are audited the same way.
/// </summary>
public static class AgencyActAs
{
    public const string Header = "X-Callvia-Act-As";
    /// <summary>The same for a browser's GET requests (the IDE page, the WebSocket upgrade), which cannot carry the header.</summary>
    public const string QueryParameter = "actAs";
    public const string AuditAction = "agency.act_as";
    private const string ItemKey = "callvia.act_as";
    private const string AuditedKey = "callvia.act_as.audited";

    /// <summary>Null when the agency principal may act inside the host's client; else why not.</summary>
    public static string? Refusal(HttpContext? http, TenantInfo tenant, bool requireHeader)
    {
        if (!requireHeader) return null;
        var named = http?.Request.Headers[Header].ToString().Trim();
        var source = $"The header '{Header}'";
        // A browser cannot add a header to a page it opens or to a WebSocket upgrade: for GET requests (the IDE page,
        // subscriptions) the query parameter actAs names the client instead. Never for other methods, whose requests a
        // page on another site could make with the session cookie (the header is what it cannot add).
        if (string.IsNullOrEmpty(named) && http is not null && (HttpMethods.IsGet(http.Request.Method) || http.WebSockets.IsWebSocketRequest))
        {
            named = http.Request.Query[QueryParameter].ToString().Trim();
            source = $"The parameter '{QueryParameter}'";
        }
        if (string.IsNullOrEmpty(named))
            return $"Agency credentials act inside a client explicitly: send the header '{Header}: {tenant.Slug}' on this host " +
                   $"(a page or WebSocket opened by a browser: '?{QueryParameter}={tenant.Slug}').";
        return string.Equals(named, tenant.Slug, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"{source} names '{named}', but this host is the client '{tenant.Slug}'.";
    }

    /// <summary>
    /// A credential of a client (partner token, client user) that sends the header: refused with the reason rather than
    /// ignored, so a caller who believes it acts as another client finds out. Null when the header is absent.
    /// </summary>
    public static string? RefusalForClientCredential(HttpContext? http) =>
        http is not null && http.Request.Headers.ContainsKey(Header)
            ? $"The header '{Header}' is for agency credentials acting inside a client; this credential belongs to this host's client and acts only there. Send the request without it."
            : null;

    /// <summary>Marks the request as an agency principal acting inside <paramref name="clientId"/> (audited later, once).</summary>
    public static void Mark(HttpContext http, Guid clientId) => http.Items[ItemKey] = clientId;

    public static bool IsActing(HttpContext http) => http.Items.ContainsKey(ItemKey);

    /// <summary>Writes the request's <c>agency.act_as</c> row, once per request, when it is an agency principal acting inside a client.</summary>
    public static async Task AuditAsync(HttpContext http, string operation, CancellationToken ct = default)
    {
        if (http.Items[ItemKey] is not Guid clientId || http.Items.ContainsKey(AuditedKey)) return;
        http.Items[AuditedKey] = true;
        var db = http.RequestServices.GetRequiredService<CallviaDbContext>();
        var entry = Audit.Entry(HttpAuditCaller.Of(http), http.RequestServices.GetRequiredService<TimeProvider>(), AuditAction, clientId,
            operation.Length > 4000 ? operation[..4000] : operation);
        db.AuditLog.Add(entry);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.Entry(entry).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
        }
    }

    /// <summary>Audits every request an agency principal makes inside a client (REST and pages; GraphQL audits its operation itself).</summary>
    public static IApplicationBuilder UseAgencyActAsAudit(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            await AuditAsync(http, $"{http.Request.Method} {http.Request.Path}", http.RequestAborted);
            await next(http);
        });
}
