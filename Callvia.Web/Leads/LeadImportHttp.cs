using System.Security.Claims;
using System.Text;
using Callvia.Core.Leads.Import;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Callvia.Web.Leads;

/// <summary>
/// A lead import over HTTP, for the API's REST endpoints and the portal's upload alike: the file streamed from the
/// request (a multipart field <c>file</c>, or the whole text/csv body) into <see cref="LeadImports"/>, held to the size
/// limit, refusals as problem details; the import's state as JSON; the full report of rows not imported as CSV.
/// </summary>
public static class LeadImportHttp
{
    /// <summary>Reads the request's file into the import (<paramref name="importId"/>) or a new one of the campaign.</summary>
    public static async Task<IResult> RunAsync(Guid? importId, Guid? campaignId, string? fileName, LeadImports imports, HttpContext http,
        Func<LeadImportView, object> response)
    {
        var limit = imports.Options.MaxBytes;
        // multipart framing adds a little around the file; the file itself is held to the limit exactly
        var bodyLimit = limit + 64 * 1024;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = bodyLimit;
        if (http.Request.ContentLength > bodyLimit)
            return Problems.Of(413, TooLarge(limit));
        try
        {
            var (body, partName) = await OpenFileAsync(http.Request, bodyLimit);
            var view = await imports.RunAsync(importId, campaignId, body, partName ?? fileName, Caller(http), http.RequestAborted);
            return TypedResults.Ok(response(view));
        }
        catch (ImportInputException e)
        {
            return Problems.Of(e.Status, e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return Problems.Of(413, TooLarge(limit));
        }
    }

    /// <summary>The import's state as the API answers it, with the report's address when rows were left out.</summary>
    public static object Response(LeadImportView v, string? reportUrl) => new
    {
        importId = v.ImportId, campaignId = v.CampaignId, status = v.Status, phase = v.Phase, fileName = v.FileName,
        rowsRead = v.RowsRead, rowsProcessed = v.RowsRead, imported = v.Imported, duplicates = v.Duplicates,
        suppressed = v.Suppressed, rejected = v.Rejected,
        rejections = v.Rejections.Select(r => new { line = r.Line, reason = r.Reason, value = r.Value }),
        rejectionsCsvUrl = v.HasIssues ? reportUrl : null,
        error = v.Error, createdAt = v.CreatedAt, startedAt = v.StartedAt, finishedAt = v.FinishedAt,
    };

    /// <summary>Every row not imported, streamed as CSV (line, kind, reason, value); false when there is no such import.</summary>
    public static async Task<bool> WriteReportAsync(Guid importId, LeadImports imports, HttpContext http)
    {
        if (await imports.FindAsync(importId, http.RequestAborted) is null) return false;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{importId}-rejections.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024);
        await writer.WriteLineAsync("line,kind,reason,value");
        await foreach (var issue in imports.IssuesAsync(importId).WithCancellation(http.RequestAborted))
            await writer.WriteLineAsync($"{issue.Line},{Core.Data.SnakeCaseEnum<LeadImportIssueKind>.ToDb(issue.Kind)},{Csv(issue.Reason)},{Csv(issue.Value)}");
        return true;
    }

    /// <summary>Who started the import, for its record: the person's email, else the token's subject.</summary>
    public static string? Caller(HttpContext http) =>
        http.User.FindFirstValue(ClaimTypes.Email) ?? http.User.FindFirstValue("sub") ?? http.User.Identity?.Name;

    private static string TooLarge(long limit) => $"The file is larger than the limit of {limit / (1024 * 1024)} MB.";

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

    private static string Csv(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
