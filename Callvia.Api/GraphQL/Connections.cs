using System.Globalization;
using System.Text;
using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.AspNetCore.WebUtilities;

namespace Callvia.Api.GraphQL;

/// <summary>A Relay connection page. <see cref="TotalCount"/> is counted only when the caller asks for it.</summary>
public sealed record Connection<T>(IReadOnlyList<Edge<T>> Edges, PageInfo PageInfo, Func<Task<int>> TotalCount);

public sealed record Edge<T>(string Cursor, T Node);

public sealed record PageInfo(bool HasNextPage, string? EndCursor, bool HasPreviousPage, string? StartCursor);

/// <summary>
/// Page arguments: <c>first</c> (default 20, at most <see cref="MaxPageSize"/>) and <c>after</c>, an opaque
/// keyset cursor (the sort value and the id of the last row seen), so a page never repeats or skips a row
/// that existed before, whatever is inserted meanwhile.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static QueryArguments Arguments() => new(
        new QueryArgument<IntGraphType> { Name = "first", Description = $"Page size, 1 to {MaxPageSize} (default {DefaultPageSize})." },
        new QueryArgument<StringGraphType> { Name = "after", Description = "The endCursor of the previous page." });

    public static int First(IResolveFieldContext ctx)
    {
        var first = ctx.GetArgument<int?>("first") ?? DefaultPageSize;
        if (first is < 1 or > MaxPageSize)
            throw new ExecutionError($"'first' must be between 1 and {MaxPageSize}.") { Code = "VALIDATION" };
        return first;
    }

    /// <summary>The cursor's (sort key, id), or null for the first page; a malformed cursor is a VALIDATION error.</summary>
    public static (string Key, Guid Id)? After(IResolveFieldContext ctx, string kind)
    {
        var after = ctx.GetArgument<string?>("after");
        if (after is null) return null;
        try
        {
            // kind|key|id, where the key itself may hold '|'
            var text = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(after));
            int first = text.IndexOf('|'), last = text.LastIndexOf('|');
            if (first > 0 && last > first && text[..first] == kind && Guid.TryParseExact(text[(last + 1)..], "N", out var id))
                return (text[(first + 1)..last], id);
        }
        catch (FormatException) { }
        throw new ExecutionError("'after' is not a cursor of this list (or of this sort order).") { Code = "VALIDATION" };
    }

    public static string Cursor(string kind, string key, Guid id) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{kind}|{key}|{id:N}"));

    /// <summary>An ILIKE pattern matching <paramref name="text"/> anywhere, its wildcards taken literally.</summary>
    public static string Contains(string text) => "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    public static string Key(DateTimeOffset value) => value.UtcTicks.ToString(CultureInfo.InvariantCulture);

    public static DateTimeOffset Time(string key) =>
        long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : throw new ExecutionError("'after' is not a cursor of this list.") { Code = "VALIDATION" };

    /// <summary>Builds the page from up to first + 1 rows (the extra one only says there is a next page).</summary>
    public static Connection<T> Page<T>(IReadOnlyList<T> rows, int first, bool hadCursor, Func<T, string> cursor, Func<Task<int>> totalCount)
    {
        var edges = rows.Take(first).Select(r => new Edge<T>(cursor(r), r)).ToList();
        return new Connection<T>(edges, new PageInfo(rows.Count > first, edges.LastOrDefault()?.Cursor, hadCursor, edges.FirstOrDefault()?.Cursor), totalCount);
    }
}

/// <summary><c>{Name}Connection { edges { cursor node } pageInfo totalCount }</c> for a node type.</summary>
public sealed class ConnectionGraphType<TNodeType, T> : ObjectGraphType<Connection<T>> where TNodeType : IGraphType
{
    public ConnectionGraphType()
    {
        var name = typeof(TNodeType).Name.Replace("GraphType", "");
        Name = name + "Connection";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeGraphType<TNodeType, T>>>>>("edges").Resolve(c => c.Source.Edges);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeType>>>>("nodes").Description("The edges' nodes, for callers that need no cursors.")
            .Resolve(c => c.Source.Edges.Select(e => e.Node).ToList());
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(c => c.Source.PageInfo);
        Field<NonNullGraphType<IntGraphType>>("totalCount").Description("Rows matching the filter, all pages together.")
            .ResolveAsync(async c => await c.Source.TotalCount());
    }
}

public sealed class EdgeGraphType<TNodeType, T> : ObjectGraphType<Edge<T>> where TNodeType : IGraphType
{
    public EdgeGraphType()
    {
        Name = typeof(TNodeType).Name.Replace("GraphType", "") + "Edge";
        Field<NonNullGraphType<StringGraphType>>("cursor").Resolve(c => c.Source.Cursor);
        Field<NonNullGraphType<TNodeType>>("node").Resolve(c => c.Source.Node);
    }
}

public sealed class PageInfoGraphType : ObjectGraphType<PageInfo>
{
    public PageInfoGraphType()
    {
        Name = "PageInfo";
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Resolve(c => c.Source.HasNextPage);
        Field<NonNullGraphType<BooleanGraphType>>("hasPreviousPage").Resolve(c => c.Source.HasPreviousPage);
        Field<StringGraphType>("startCursor").Resolve(c => c.Source.StartCursor);
        Field<StringGraphType>("endCursor").Resolve(c => c.Source.EndCursor);
    }
}
