using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Core.Leads.Import;
using GraphQL.Types;

namespace Callvia.Api.Leads;

public sealed class LeadImportGraphType : ObjectGraphType<LeadImportView>
{
    public const string TypeName = "LeadImport";

    /// <summary>An import's id in either form: its GraphQL id or the UUID REST answers (<c>importId</c>).</summary>
    public static Guid? ParseId(string? value) => Guid.TryParse(value, out var id) ? id : GlobalId.Decode(value, TypeName);

    public LeadImportGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        IsTypeOf = o => o is LeadImportView;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.ImportId));
        Field<NonNullGraphType<IdGraphType>>("campaignId").Resolve(c => GlobalId.Encode(CampaignGraphType.TypeName, c.Source.CampaignId));
        Field<NonNullGraphType<LeadImportStatusGraphType>>("status").Resolve(c => c.Source.Status.ToUpperInvariant());
        Field(c => c.FileName, nullable: true);
        Field<LeadImportPhaseGraphType>("phase").Description("While it runs: UPLOADING (rowsRead moves), CHECKING, INSERTING (imported moves).")
            .Resolve(c => c.Source.Phase?.ToUpperInvariant());
        Field(c => c.RowsRead).Description("Data rows read and checked so far: the progress while the file streams in.");
        Field<NonNullGraphType<IntGraphType>>("rowsProcessed").Description("The same as rowsRead (the REST name).").Resolve(c => c.Source.RowsRead);
        Field(c => c.Imported);
        Field(c => c.Duplicates);
        Field(c => c.Suppressed);
        Field(c => c.Rejected);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ImportRejectionGraphType>>>>("rejections")
            .Description("The first rejected rows, in line order; the full report is at rejectionsCsvUrl.")
            .Resolve(c => c.Source.Rejections);
        Field<StringGraphType>("uploadUrl").Description("Where to POST the CSV (multipart field 'file', or text/csv) while the import awaits its file.")
            .Resolve(c => c.Source.Status == "awaiting_upload" ? LeadImportApi.UploadUrl(c.Source.ImportId) : null);
        Field<StringGraphType>("rejectionsCsvUrl").Resolve(c => c.Source.HasIssues ? LeadImportApi.ReportUrl(c.Source.ImportId) : null);
        Field(c => c.Error, nullable: true);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<UtcDateTimeGraphType>("startedAt").Resolve(c => c.Source.StartedAt);
        Field<UtcDateTimeGraphType>("finishedAt").Resolve(c => c.Source.FinishedAt);
    }
}

public sealed class ImportRejectionGraphType : ObjectGraphType<ImportRejectionView>
{
    public ImportRejectionGraphType()
    {
        Name = "ImportRejection";
        Field(r => r.Line);
        Field(r => r.Reason);
        Field(r => r.Value, nullable: true);
    }
}

public sealed class LeadImportPhaseGraphType : EnumerationGraphType
{
    public LeadImportPhaseGraphType()
    {
        Name = "LeadImportPhase";
        Add("UPLOADING", "UPLOADING", "The file streams in; each row is read and checked as it comes.");
        Add("CHECKING", "CHECKING", "The rows against the do-not-contact list, the file itself and the campaign.");
        Add("INSERTING", "INSERTING", "The leads are written.");
    }
}

public sealed class LeadImportStatusGraphType : EnumerationGraphType
{
    public LeadImportStatusGraphType()
    {
        Name = "LeadImportStatus";
        foreach (var value in new[] { "AWAITING_UPLOAD", "RUNNING", "COMPLETED", "FAILED" }) Add(value, value);
    }
}

public sealed class UserErrorGraphType : ObjectGraphType<UserError>
{
    public UserErrorGraphType()
    {
        Name = "UserError";
        Field(e => e.Field, nullable: true);
        Field(e => e.Message);
        Field(e => e.Code);
    }
}

public sealed record UserError(string? Field, string Message, string Code);

public sealed record LeadImportPayload(LeadImportView? LeadImport, IReadOnlyList<UserError> Errors);

public sealed class LeadImportPayloadGraphType : ObjectGraphType<LeadImportPayload>
{
    public LeadImportPayloadGraphType()
    {
        Name = "LeadImportPayload";
        Field<LeadImportGraphType>("leadImport").Resolve(c => c.Source.LeadImport);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
