using Callvia.Api.Campaigns;
using Callvia.Api.Leads;
using Callvia.Core.Leads.Import;
using GraphQL;
using GraphQL.Types;
using System.Security.Claims;

namespace Callvia.Api.GraphQL;

/// <summary>The root mutation; mutations run one after another. Bad input comes back in the payload's errors.</summary>
public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";
        CampaignMutations.Add(this);
        Messaging.SuppressionFields.AddMutations(this);
        LeadMutations.Add(this);
        Appointments.AppointmentMutations.Add(this);
        Messaging.MessageFields.AddMutations(this);
        Messaging.MessageTemplateFields.AddMutations(this);
        Identity.IdentityFields.AddMutations(this);
        Tenancy.ClientMutations.Add(this);
        Billing.BillingMutations.Add(this);
        Webhooks.WebhookEventFields.AddMutations(this);

        Field<NonNullGraphType<LeadImportPayloadGraphType>>("startLeadImport")
            .Description("Creates an import waiting for its file; POST the CSV to leadImport.uploadUrl and follow it with leadImport(id).")
            .Argument<NonNullGraphType<IdGraphType>>("campaignId")
            .Argument<StringGraphType>("uploadUrl", "Not supported: the file is sent to the returned uploadUrl.")
            .ResolveAsync(async ctx =>
            {
                if (ctx.GetArgument<string?>("uploadUrl") is { Length: > 0 })
                    return new LeadImportPayload(null, [new UserError("uploadUrl", "Fetching a file from a URL is not supported: POST the file to the returned uploadUrl.", "VALIDATION")]);
                var raw = ctx.GetArgument<string>("campaignId");
                var campaignId = GlobalId.Decode(raw, CampaignGraphType.TypeName) ?? (Guid.TryParse(raw, out var g) ? g : null);
                if (campaignId is null)
                    return new LeadImportPayload(null, [new UserError("campaignId", "Not a campaign id.", "NOT_FOUND")]);
                var imports = ctx.RequestServices!.GetRequiredService<LeadImports>();
                try
                {
                    var user = ctx.User;
                    var import = await imports.CreateAsync(campaignId.Value, user?.FindFirstValue(ClaimTypes.Email) ?? user?.FindFirstValue("sub"), ctx.CancellationToken);
                    return new LeadImportPayload(await imports.ViewAsync(import.Id, ctx.CancellationToken), []);
                }
                catch (ImportInputException e)
                {
                    return new LeadImportPayload(null, [new UserError("campaignId", e.Message, e.Status == 404 ? "NOT_FOUND" : "VALIDATION")]);
                }
            });
    }
}
