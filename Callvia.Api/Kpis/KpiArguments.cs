using Callvia.Api.GraphQL;
using Callvia.Core.Kpis;
using GraphQL;

namespace Callvia.Api.Kpis;

public static class KpiArguments
{
    /// <summary>The range the caller asked for; a bad campaign id or an inverted range is a VALIDATION error.</summary>
    public static KpiRange Range(IResolveFieldContext ctx)
    {
        var from = ctx.GetArgument<DateTimeOffset?>("from");
        var to = ctx.GetArgument<DateTimeOffset?>("to");
        if (from is { } f && to is { } t && f >= t)
            throw new ExecutionError("'from' must be before 'to'.") { Code = "VALIDATION" };
        Guid? campaignId = null;
        if (ctx.GetArgument<string?>("campaignId") is { } raw)
            campaignId = GlobalId.Decode(raw, Campaigns.CampaignGraphType.TypeName)
                         ?? throw new ExecutionError("'campaignId' is not a campaign id.") { Code = "VALIDATION" };
        return new KpiRange(from?.ToUniversalTime(), to?.ToUniversalTime(), campaignId);
    }
}
