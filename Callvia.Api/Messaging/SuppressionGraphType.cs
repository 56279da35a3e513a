using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Messaging;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Messaging;

public sealed class SuppressionGraphType : ObjectGraphType<Suppression>
{
    public const string TypeName = "Suppression";

    public SuppressionGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        IsTypeOf = o => o is Suppression;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<NonNullGraphType<StringGraphType>>("phone").Description("E.164.").Resolve(c => c.Source.PhoneE164);
        Field<StringGraphType>("reason").Resolve(c => c.Source.Reason);
        Field<NonNullGraphType<StringGraphType>>("source").Description("manual, import, sms (the person texted STOP), call (asked on a call).").Resolve(c => c.Source.Source);
        Field<NonNullGraphType<BooleanGraphType>>("liftable").Description("Whether unsuppressNumber may lift it.").Resolve(c => SuppressionList.LiftableSources.Contains(c.Source.Source));
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
    }
}

public sealed record SuppressionPayload(Suppression? Suppression, IReadOnlyList<UserError> Errors)
{
    public static SuppressionPayload From((Suppression? S, List<FieldIssue> Issues) r) =>
        new(r.S, r.Issues.Select(i => new UserError(i.Field, i.Message, i.Code)).ToList());
}

public sealed class SuppressionPayloadGraphType : ObjectGraphType<SuppressionPayload>
{
    public SuppressionPayloadGraphType()
    {
        Name = "SuppressionPayload";
        Field<SuppressionGraphType>("suppression").Description("The suppression (after unsuppressNumber: the one lifted).").Resolve(c => c.Source.Suppression);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class SuppressionFields
{
    public static void AddQuery(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ConnectionGraphType<SuppressionGraphType, Suppression>>>("suppressions")
            .Description("Do-not-contact numbers, newest first; search by digits.")
            .Arguments(Paging.Arguments())
            .Argument<StringGraphType>("search")
            .ResolveAsync(async ctx =>
            {
                var filtered = ctx.RequestServices!.GetRequiredService<CallviaDbContext>().Suppressions.AsNoTracking();
                if (ctx.GetArgument<string?>("search") is { Length: > 0 } search)
                {
                    var digits = new string(search.Where(char.IsAsciiDigit).ToArray());
                    if (digits.Length == 0) throw new ExecutionError("'search' needs digits of a phone number.") { Code = "VALIDATION" };
                    filtered = filtered.Where(s => s.PhoneE164.Contains(digits));
                }
                return await NewestFirst.PageAsync(ctx, "suppression", filtered, s => s.CreatedAt, s => s.Id);
            });

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<SuppressionPayloadGraphType>>("suppressNumber")
            .Description("Never call or text this number again (any format; the client's region applies). Suppressing twice is harmless.")
            .Argument<NonNullGraphType<StringGraphType>>("phone")
            .Argument<StringGraphType>("reason")
            .ResolveAsync(async ctx => SuppressionPayload.From(await ctx.RequestServices!.GetRequiredService<SuppressionList>()
                .SuppressAsync(ctx.GetArgument<string>("phone"), ctx.GetArgument<string?>("reason"), ctx.CancellationToken)));

        mutation.Field<NonNullGraphType<SuppressionPayloadGraphType>>("unsuppressNumber")
            .Description("Lifts a manual (or import) suppression; a number's own opt-out cannot be lifted.")
            .Argument<NonNullGraphType<StringGraphType>>("phone")
            .ResolveAsync(async ctx => SuppressionPayload.From(await ctx.RequestServices!.GetRequiredService<SuppressionList>()
                .UnsuppressAsync(ctx.GetArgument<string>("phone"), ctx.CancellationToken)));
    }
}
