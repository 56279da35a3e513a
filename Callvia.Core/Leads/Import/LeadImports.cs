using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Callvia.Core.Leads.Import;

public sealed record ImportRejectionView(int Line, string Reason, string? Value);

/// <summary>What the API answers about an import.</summary>
public sealed record LeadImportView(
    Guid ImportId, Guid CampaignId, string Status, string? Phase, string? FileName, int RowsRead, int Imported, int Duplicates,
    int Suppressed, int Rejected, IReadOnlyList<ImportRejectionView> Rejections, bool HasIssues, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// Lead imports of the current tenant: create one for a campaign, feed it a file, read its progress and
/// report. The REST endpoints and the GraphQL fields both go through here.
/// </summary>
public sealed class LeadImports(CallviaDbContext db, TenantContext tenant, LeadImporter importer, IOptions<LeadImportOptions> options, KpiNotifier kpis, TimeProvider clock)
{
    public LeadImportOptions Options => options.Value;

    /// <summary>The campaign, if it is this tenant's; an archived one cannot take leads.</summary>
    public async Task<Campaign> FindCampaignAsync(Guid campaignId, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct)
                       ?? throw new ImportInputException(404, $"Campaign {campaignId} was not found.");
        if (campaign.Status == CampaignStatus.Archived)
            throw new ImportInputException(409, $"Campaign '{campaign.Name}' is archived and takes no new leads.");
        return campaign;
    }

    /// <summary>Creates an import waiting for its file (the two-step way: start, then upload).</summary>
    public async Task<LeadImport> CreateAsync(Guid campaignId, string? createdBy, CancellationToken ct)
    {
        await FindCampaignAsync(campaignId, ct);
        var import = new LeadImport { CampaignId = campaignId, CreatedBy = createdBy };
        db.LeadImports.Add(import);
        await db.SaveChangesAsync(ct);
        return import;
    }

    public Task<LeadImport?> FindAsync(Guid importId, CancellationToken ct) =>
        db.LeadImports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, ct);

    /// <summary>
    /// Reads the file into the campaign: an existing import waiting for its file, or a new one when
    /// <paramref name="importId"/> is null. Input that makes the whole file unusable is refused before
    /// anything is recorded; input found bad further in fails the import and imports nothing.
    /// </summary>
    public async Task<LeadImportView> RunAsync(Guid? importId, Guid? campaignId, Stream body, string? fileName, string? createdBy, CancellationToken ct)
    {
        LeadImport import;
        if (importId is { } existingId)
        {
            import = await db.LeadImports.SingleOrDefaultAsync(i => i.Id == existingId, ct)
                     ?? throw new ImportInputException(404, $"Import {existingId} was not found.");
            if (import.Status != LeadImportStatus.AwaitingUpload)
                throw new ImportInputException(409, $"Import {existingId} has its file already ({SnakeCaseEnum<LeadImportStatus>.ToDb(import.Status)}).");
        }
        else
        {
            import = new LeadImport { CampaignId = campaignId ?? throw new ImportInputException(400, "campaignId is required."), CreatedBy = createdBy };
        }
        await FindCampaignAsync(import.CampaignId, ct);
        var region = await db.ClientRegionAsync(ct);

        var source = await ImportSource.OpenAsync(body, Options.MaxBytes, ct);

        var startedAt = clock.GetUtcNow();
        var name = fileName is { Length: > 255 } ? fileName[..255] : fileName;
        if (importId is null)
        {
            import.Status = LeadImportStatus.Running;
            import.Phase = LeadImportPhase.Uploading;
            import.FileName = name;
            import.StartedAt = startedAt;
            db.LeadImports.Add(import);
            await db.SaveChangesAsync(ct);
        }
        else if (await db.LeadImports.Where(i => i.Id == import.Id && i.Status == LeadImportStatus.AwaitingUpload)
                     .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, LeadImportStatus.Running).SetProperty(i => i.Phase, LeadImportPhase.Uploading)
                         .SetProperty(i => i.FileName, name).SetProperty(i => i.StartedAt, startedAt), ct) == 0)
        {
            // a second upload of the same import got here first
            throw new ImportInputException(409, $"Import {import.Id} has its file already.");
        }

        try
        {
            await importer.RunAsync(import.Id, import.CampaignId, region, source, ct);
        }
        catch (Exception e)
        {
            // the caller's file was refused (bad content, a body cut off or malformed, the client gone): a one-shot import
            // leaves no trace, like a file refused when it is opened; an import created beforehand says why it failed
            var (readStatus, readProblem) = Validation.InputFailures.Classify(e);
            var refused = e is ImportInputException || readStatus is >= 400 and < 500 || ct.IsCancellationRequested;
            if (refused && importId is null)
                await db.LeadImports.Where(i => i.Id == import.Id).ExecuteDeleteAsync(CancellationToken.None);
            else
                await db.LeadImports.Where(i => i.Id == import.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Status, LeadImportStatus.Failed)
                    .SetProperty(i => i.Phase, (LeadImportPhase?)null)
                    .SetProperty(i => i.Error, e is ImportInputException ? e.Message
                        : readStatus is >= 400 and < 500 ? readProblem + " Nothing was imported."
                        : ct.IsCancellationRequested ? "The upload was interrupted; nothing was imported."
                        : "The import failed; nothing was imported.")
                    .SetProperty(i => i.FinishedAt, clock.GetUtcNow()), CancellationToken.None);
            throw;
        }
        await kpis.PublishAsync(tenant.ClientId!.Value, "leads:import");
        return (await ViewAsync(import.Id, ct))!;
    }

    public async Task<LeadImportView?> ViewAsync(Guid importId, CancellationToken ct)
    {
        var i = await FindAsync(importId, ct);
        if (i is null) return null;
        var rejections = await db.LeadImportIssues.AsNoTracking()
            .Where(x => x.ImportId == importId && x.Kind == LeadImportIssueKind.Rejected)
            .OrderBy(x => x.Line).Take(Options.RejectionsInResponse)
            .Select(x => new ImportRejectionView(x.Line, x.Reason, x.Value)).ToListAsync(ct);
        return new LeadImportView(i.Id, i.CampaignId, SnakeCaseEnum<LeadImportStatus>.ToDb(i.Status),
            i.Status == LeadImportStatus.Running && i.Phase is { } phase ? SnakeCaseEnum<LeadImportPhase>.ToDb(phase) : null, i.FileName, i.RowsRead,
            i.Imported, i.Duplicates, i.Suppressed, i.Rejected, rejections, i.Rejected + i.Duplicates + i.Suppressed > 0,
            i.Error, i.CreatedAt, i.StartedAt, i.FinishedAt);
    }

    /// <summary>Every row not imported (rejected, duplicate, suppressed), in line order, streamed.</summary>
    public IAsyncEnumerable<LeadImportIssue> IssuesAsync(Guid importId) =>
        db.LeadImportIssues.AsNoTracking().Where(x => x.ImportId == importId).OrderBy(x => x.Line).AsAsyncEnumerable();
}
