using Callvia.Core.Tenancy;

namespace Callvia.Core.Leads.Import;

public enum LeadImportStatus { AwaitingUpload, Running, Completed, Failed }

/// <summary>
/// What a running import is doing: <c>Uploading</c> (the file streams in; each row is read and checked by the row
/// rules as it comes: <see cref="LeadImport.RowsRead"/> moves), <c>Checking</c> (the whole file against the
/// do-not-contact list, itself and the campaign: set-based, a few statements), <c>Inserting</c> (the leads written in
/// batches: <see cref="LeadImport.Imported"/> moves). Null when the import is not running.
/// </summary>
public enum LeadImportPhase { Uploading, Checking, Inserting }

/// <summary>One CSV upload into a campaign: its progress while it runs and its report after.</summary>
public class LeadImport : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public Guid CampaignId { get; set; }
    public LeadImportStatus Status { get; set; } = LeadImportStatus.AwaitingUpload;
    public LeadImportPhase? Phase { get; set; }
    public string? FileName { get; set; }
    public long BytesReceived { get; set; }
    /// <summary>Data rows read so far (the header and blank lines are not rows); the progress figure.</summary>
    public int RowsRead { get; set; }
    public int Imported { get; set; }
    public int Duplicates { get; set; }
    public int Suppressed { get; set; }
    public int Rejected { get; set; }
    public string? Error { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum LeadImportIssueKind { Rejected, Duplicate, Suppressed }

/// <summary>A row of an import that was not imported, with its line in the file and why.</summary>
public class LeadImportIssue : ITenantOwned
{
    public Guid ImportId { get; set; }
    public int Line { get; set; }
    public Guid ClientId { get; set; }
    public LeadImportIssueKind Kind { get; set; }
    public required string Reason { get; set; }
    public string? Value { get; set; }
}
