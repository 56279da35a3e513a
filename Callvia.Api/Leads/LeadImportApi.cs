using Callvia.Web;
using System.Security.Claims;
using System.Text;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Core.Leads.Import;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Callvia.Api.Leads;

/// <summary>
/// CSV lead imports over REST (api.md): one shot (<c>POST /api/leads/import?campaignId=</c>), or in two
/// steps (<c>POST /api/leads/imports</c>, then the file to its upload URL) so that the import's id is
/// known, and its progress can be followed, while the file streams in.
/// </summary>
public static class LeadImportApi
{
    public static void MapLeadImportApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/leads").WithTags("Leads");
        group.MapPost("/import", ImportAsync).DisableAntiforgery();
        group.MapPost("/imports", CreateAsync).WithBodyLimit(BodyLimit.Json);
        group.MapPost("/imports/{id}/file", UploadAsync).DisableAntiforgery();
        group.MapGet("/imports/{id}", GetAsync);
        group.MapGet("/imports/{id}/rejections.csv", ReportAsync);
    }

    public static string UploadUrl(Guid importId) => $"/api/leads/imports/{importId}/file";
    public static string ReportUrl(Guid importId) => $"/api/leads/imports/{importId}/rejections.csv";

    public sealed record CreateImportRequest(string? CampaignId);

    private static async Task<IResult> CreateAsync(CreateImportRequest? request, LeadImports imports, HttpContext http)
    {
        if (ParseCampaignId(request?.CampaignId) is not { } campaignId)
            return ApiProblems.Of(400, "campaignId is required: the campaign's UUID (or its GraphQL id).");
        try
        {
            var import = await imports.CreateAsync(campaignId, Caller(http), http.RequestAborted);
            return TypedResults.Created($"/api/leads/imports/{import.Id}", new
            {
                importId = import.Id, campaignId, status = "awaiting_upload", uploadUrl = UploadUrl(import.Id),
            });
        }
        catch (ImportInputException e)
        {
            return ApiProblems.Of(e.Status, e.Message);
        }
    }

    private static async Task<IResult> ImportAsync([FromQuery] string? campaignId, LeadImports imports, HttpContext http) =>
        ParseCampaignId(campaignId) is { } id
            ? await RunAsync(null, id, imports, http)
            : ApiProblems.Of(400, "campaignId is required: ?campaignId= the campaign's UUID (or its GraphQL id).");

    private static Task<IResult> UploadAsync(string id, LeadImports imports, HttpContext http) =>
        LeadImportGraphType.ParseId(id) is { } importId ? RunAsync(importId, null, imports, http) : Task.FromResult(NoSuchImport(id));

    /// <summary>The id in the path: the import's UUID, or its GraphQL id.</summary>
    private static IResult NoSuchImport(string id) => ApiProblems.Of(404, $"Import {id} was not found.");

    private static async Task<IResult> RunAsync(Guid? importId, Guid? campaignId, LeadImports imports, HttpContext http)
    {
        var limit = imports.Options.MaxBytes;
        // multipart framing adds a little around the file; the file itself is held to the limit exactly
        var bodyLimit = limit + 64 * 1024;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = bodyLimit;
        if (http.Request.ContentLength > bodyLimit)
            return ApiProblems.Of(413, $"The file is larger than the limit of {limit / (1024 * 1024)} MB.");
        try
        {
            var (body, fileName) = await OpenFileAsync(http.Request, bodyLimit);
            var view = await imports.RunAsync(importId, campaignId, body, fileName, Caller(http), http.RequestAborted);
            return TypedResults.Ok(Response(view));
        }
        catch (ImportInputException e)
        {
            return ApiProblems.Of(e.Status, e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return ApiProblems.Of(413, $"The file is larger than the limit of {limit / (1024 * 1024)} MB.");
        }
    }

    private static async Task<IResult> GetAsync(string id, LeadImports imports, HttpContext http) =>
        LeadImportGraphType.ParseId(id) is { } importId && await imports.ViewAsync(importId, http.RequestAborted) is { } view
            ? TypedResults.Ok(Response(view))
            : NoSuchImport(id);

    private static async Task ReportAsync(string id, LeadImports imports, HttpContext http)
    {
        if (LeadImportGraphType.ParseId(id) is not { } importId || await imports.FindAsync(importId, http.RequestAborted) is null)
        {
            await NoSuchImport(id).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{importId}-rejections.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024);
        await writer.WriteLineAsync("line,kind,reason,value");
        await foreach (var issue in imports.IssuesAsync(importId).WithCancellation(http.RequestAborted))
            await writer.WriteLineAsync($"{issue.Line},{Core.Data.SnakeCaseEnum<LeadImportIssueKind>.ToDb(issue.Kind)},{Csv(issue.Reason)},{Csv(issue.Value)}");
    }

    /// <summary>The CSV stream: the <c>file</c> part of a multipart form, or the whole text/csv body.</summary>
    private static async Task<(Stream Body, string? FileName)> OpenFileAsync(HttpRequest request, long bodyLimit)
    {
        var contentType = request.ContentType ?? "";
        if (MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
                throw new ImportInputException(400, "The multipart body has no boundary.");
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = bodyLimit };
            while (await reader.ReadNextSectionAsync(request.HttpContext.RequestAborted) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.Name.Equals("file", StringComparison.OrdinalIgnoreCase))
                    return (section.Body, HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
            }
            throw new ImportInputException(400, "No file: send the CSV in the multipart field 'file'.");
        }
        if (media?.MediaType.Value?.ToLowerInvariant() is "text/csv" or "application/csv" or "text/plain")
        {
            if (request.ContentLength == 0)
                throw new ImportInputException(400, "The file is empty.");
            return (request.Body, null);
        }
        throw new ImportInputException(415,
            $"Send the CSV as multipart/form-data (field 'file') or as a text/csv body, not '{(contentType.Length == 0 ? "no content type" : contentType)}'.");
    }

    private static Guid? ParseCampaignId(string? value) =>
        Guid.TryParse(value, out var id) ? id : GlobalId.Decode(value, CampaignGraphType.TypeName);

    private static object Response(LeadImportView v) => new
    {
        importId = v.ImportId, campaignId = v.CampaignId, status = v.Status, phase = v.Phase, fileName = v.FileName,
        rowsRead = v.RowsRead, rowsProcessed = v.RowsRead, imported = v.Imported, duplicates = v.Duplicates,
        suppressed = v.Suppressed, rejected = v.Rejected,
        rejections = v.Rejections.Select(r => new { line = r.Line, reason = r.Reason, value = r.Value }),
        rejectionsCsvUrl = v.HasIssues ? ReportUrl(v.ImportId) : null,
        error = v.Error, createdAt = v.CreatedAt, startedAt = v.StartedAt, finishedAt = v.FinishedAt,
    };

    private static string Csv(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    private static string? Caller(HttpContext http) =>
        http.User.FindFirstValue(ClaimTypes.Email) ?? http.User.FindFirstValue("sub");

}
