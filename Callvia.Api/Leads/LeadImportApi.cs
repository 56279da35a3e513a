using Callvia.Web;
using Callvia.Web.Leads;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Core.Leads.Import;
using Microsoft.AspNetCore.Mvc;

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

    private static Task<IResult> RunAsync(Guid? importId, Guid? campaignId, LeadImports imports, HttpContext http) =>
        LeadImportHttp.RunAsync(importId, campaignId, null, imports, http, Response);

    private static async Task<IResult> GetAsync(string id, LeadImports imports, HttpContext http) =>
        LeadImportGraphType.ParseId(id) is { } importId && await imports.ViewAsync(importId, http.RequestAborted) is { } view
            ? TypedResults.Ok(Response(view))
            : NoSuchImport(id);

    private static async Task ReportAsync(string id, LeadImports imports, HttpContext http)
    {
        if (LeadImportGraphType.ParseId(id) is not { } importId || !await LeadImportHttp.WriteReportAsync(importId, imports, http))
            await NoSuchImport(id).ExecuteAsync(http);
    }

    private static Guid? ParseCampaignId(string? value) =>
        Guid.TryParse(value, out var id) ? id : GlobalId.Decode(value, CampaignGraphType.TypeName);

    private static object Response(LeadImportView v) => LeadImportHttp.Response(v, ReportUrl(v.ImportId));

    private static string? Caller(HttpContext http) => LeadImportHttp.Caller(http);
}
