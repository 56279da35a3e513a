using Callvia.Core.Leads.Import;
using Callvia.Core.Tenancy;
using Callvia.Web;
using Callvia.Web.Leads;
using Callvia.Web.Tenancy;
using Microsoft.AspNetCore.Antiforgery;

namespace Callvia.Portal.Hosting;

/// <summary>
/// The campaign page's CSV upload (wwwroot/js/upload.js): <c>POST /imports?campaignId=</c> creates the import, the
/// file then streams as the body of <c>POST /imports/{id}/file</c> (no form buffering, no size in memory: the importer
/// reads rows as they arrive), while the page reads <c>GET /imports/{id}</c> for the phase and the rows so far; the
/// report of rows not imported is <c>GET /imports/{id}/rejections.csv</c>. The same <see cref="LeadImports"/> and HTTP
/// handling as the API's REST imports. Writing needs an admin and the page's antiforgery token in the
/// <c>RequestVerificationToken</c> header (the session is a cookie; the header is what another site cannot add).
/// </summary>
public static class PortalImports
{
    public static void MapPortalImports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/imports").DisableAntiforgery(); // checked by hand, from the header only (below)
        group.MapPost("", CreateAsync);
        group.MapPost("/{id:guid}/file", UploadAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("/{id:guid}/rejections.csv", ReportAsync);
    }

    public static string StatusUrl(Guid id) => $"/imports/{id}";
    public static string ReportUrl(Guid id) => $"/imports/{id}/rejections.csv";

    private static async Task<IResult> CreateAsync(Guid? campaignId, LeadImports imports, HttpContext http)
    {
        if (await RefusalAsync(http) is { } refusal) return refusal;
        if (campaignId is not { } id) return Problems.Of(400, "campaignId is required.");
        try
        {
            var import = await imports.CreateAsync(id, LeadImportHttp.Caller(http), http.RequestAborted);
            return TypedResults.Created(StatusUrl(import.Id), new { importId = import.Id, uploadUrl = $"/imports/{import.Id}/file", statusUrl = StatusUrl(import.Id) });
        }
        catch (ImportInputException e)
        {
            return Problems.Of(e.Status, e.Message);
        }
    }

    private static async Task<IResult> UploadAsync(Guid id, string? fileName, LeadImports imports, HttpContext http) =>
        await RefusalAsync(http) ?? await LeadImportHttp.RunAsync(id, null, fileName, imports, http, Response);

    private static async Task<IResult> GetAsync(Guid id, LeadImports imports, HttpContext http) =>
        await imports.ViewAsync(id, http.RequestAborted) is { } view ? TypedResults.Ok(Response(view)) : Problems.Of(404, $"Import {id} was not found.");

    private static async Task ReportAsync(Guid id, LeadImports imports, HttpContext http)
    {
        if (!await LeadImportHttp.WriteReportAsync(id, imports, http))
            await Problems.Of(404, $"Import {id} was not found.").ExecuteAsync(http);
    }

    private static object Response(LeadImportView view) => LeadImportHttp.Response(view, ReportUrl(view.ImportId));

    /// <summary>Null when the caller may import; else the answer. The token is read from the header, never from a form body.</summary>
    private static async Task<IResult?> RefusalAsync(HttpContext http)
    {
        if (!Administrators.CanAdminister(http.User, http.RequestServices.GetRequiredService<TenantContext>()))
            return Problems.Of(403, "Only the client's admins import leads.");
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        var header = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value.HeaderName;
        if (header is null || string.IsNullOrEmpty(http.Request.Headers[header]))
            return Problems.Of(400, "The page's antiforgery token is missing: reload the page and try again.");
        try
        {
            await antiforgery.ValidateRequestAsync(http);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Problems.Of(400, "The page's antiforgery token is not valid: reload the page and try again.");
        }
    }
}
