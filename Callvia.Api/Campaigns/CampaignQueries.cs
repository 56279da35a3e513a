using Callvia.Api.GraphQL;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Campaigns;

/// <summary><c>campaigns(first, after, status): CampaignConnection!</c>, oldest first, as the target shape has it.</summary>
public static class CampaignQueries
{
    public static void Add(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ConnectionGraphType<CampaignGraphType, Campaign>>>("campaigns")
            .Description("The client's campaigns, oldest first.")
            .Arguments(Paging.Arguments())
            .Argument<CampaignStatusGraphType>("status")
            .ResolveAsync(async ctx =>
            {
                var campaigns = ctx.RequestServices!.GetRequiredService<CallviaDbContext>().Campaigns.AsNoTracking();
                if (ctx.GetArgument<CampaignStatus?>("status") is { } status)
                    campaigns = campaigns.Where(c => c.Status == status);
                return await NewestFirst.OldestFirstAsync(ctx, "campaign", campaigns, c => c.CreatedAt, c => c.Id);
            });

    /// <summary>A page of campaigns' statistics in one statement.</summary>
    public static IDataLoaderResult<CampaignStats?> Stats(IResolveFieldContext ctx, Guid campaignId)
    {
        var services = ctx.RequestServices!;
        return services.GetRequiredService<RequestLoaders>().Get<Guid, CampaignStats>("campaignStats", async (ids, ct) =>
        {
            var counts = await CampaignLeadCounts.ByStatusAsync(services.GetRequiredService<CallviaDbContext>(), ids, ct);
            return counts.ToDictionary(x => x.Key, x => CampaignStats.From(x.Value));
        }).Load(campaignId);
    }
}
