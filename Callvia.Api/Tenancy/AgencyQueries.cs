using Callvia.Web.Tenancy;
using Callvia.Api.GraphQL;
using Callvia.Core.Tenancy;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.Tenancy;

/// <summary>
/// Agency-only fields: an agency admin (portal session, any host, usually <c>admin.</c>) or an agency-bound token.
/// Every read across clients goes through <see cref="AgencyAccess"/>, which writes it to the audit log.
/// </summary>
public static class AgencyQueries
{
    public static void Add(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ConnectionGraphType<ClientGraphType, Client>>>("clients")
            .Description("Agency admins only: every client, by name; search by name or slug.")
            .Arguments(Paging.Arguments())
            .Argument<StringGraphType>("search")
            .ResolveAsync(async ctx =>
            {
                if (!SameTenantHandler.IsAgencyPrincipal(ctx.User!))
                    throw new ExecutionError("Only agency admins may list clients.") { Code = "FORBIDDEN" };
                var first = Paging.First(ctx);
                var after = Paging.After(ctx, "client");
                var search = ctx.GetArgument<string?>("search")?.Trim();
                if (search is { Length: > 100 }) throw new ExecutionError("'search' is over 100 characters.") { Code = "VALIDATION" };
                var agency = ctx.RequestServices!.GetRequiredService<AgencyAccess>();
                var (rows, total) = await agency.RunAsync("graphql.clients", async (db, _) =>
                {
                    var filtered = db.Clients.AsNoTracking();
                    if (search is { Length: > 0 })
                    {
                        var pattern = Paging.Contains(search);
                        filtered = filtered.Where(c => EF.Functions.ILike(c.Name, pattern) || EF.Functions.ILike(c.Slug, pattern));
                    }
                    var page = filtered;
                    if (after is { } a)
                        page = page.Where(c => string.Compare(c.Name, a.Key) > 0 || (c.Name == a.Key && c.Id.CompareTo(a.Id) > 0));
                    var list = await page.OrderBy(c => c.Name).ThenBy(c => c.Id).Take(first + 1).ToListAsync(ctx.CancellationToken);
                    return (list, await filtered.CountAsync(ctx.CancellationToken));
                }, detail: search is { Length: > 0 } ? $"search {search}" : null, ct: ctx.CancellationToken);
                return Paging.Page(rows, first, after is not null, c => Paging.Cursor("client", c.Name, c.Id), () => Task.FromResult(total));
            });
}
