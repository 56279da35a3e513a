using System.Linq.Expressions;
using GraphQL;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.GraphQL;

/// <summary>A connection page newest first, by (time, id) keyset, for any entity with a timestamp and a uuid id.</summary>
public static class NewestFirst
{
    public static Task<Connection<T>> PageAsync<T>(IResolveFieldContext ctx, string kind, IQueryable<T> filtered,
        Expression<Func<T, DateTimeOffset>> time, Expression<Func<T, Guid>> id) =>
        KeysetAsync(ctx, kind, filtered, time, id, newestFirst: true);

    /// <summary>The same keyset paging, oldest first (time, id ascending).</summary>
    public static Task<Connection<T>> OldestFirstAsync<T>(IResolveFieldContext ctx, string kind, IQueryable<T> filtered,
        Expression<Func<T, DateTimeOffset>> time, Expression<Func<T, Guid>> id) =>
        KeysetAsync(ctx, kind, filtered, time, id, newestFirst: false);

    private static async Task<Connection<T>> KeysetAsync<T>(IResolveFieldContext ctx, string kind, IQueryable<T> filtered,
        Expression<Func<T, DateTimeOffset>> time, Expression<Func<T, Guid>> id, bool newestFirst)
    {
        var first = Paging.First(ctx);
        var after = Paging.After(ctx, kind);
        var query = filtered;
        if (after is { } a)
        {
            // time < t OR (time = t AND id < cursor id) (newest first; > oldest first), over the same parameter
            var p = time.Parameters[0];
            var idBody = new Replace(id.Parameters[0], p).Visit(id.Body);
            var t = Expression.Constant(Paging.Time(a.Key));
            var cursorId = Expression.Constant(a.Id);
            var compare = Expression.Call(idBody, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, cursorId);
            var body = newestFirst
                ? Expression.OrElse(Expression.LessThan(time.Body, t),
                    Expression.AndAlso(Expression.Equal(time.Body, t), Expression.LessThan(compare, Expression.Constant(0))))
                : Expression.OrElse(Expression.GreaterThan(time.Body, t),
                    Expression.AndAlso(Expression.Equal(time.Body, t), Expression.GreaterThan(compare, Expression.Constant(0))));
            query = query.Where(Expression.Lambda<Func<T, bool>>(body, p));
        }
        var timeOf = time.Compile();
        var idOf = id.Compile();
        var ordered = newestFirst ? query.OrderByDescending(time).ThenByDescending(id) : query.OrderBy(time).ThenBy(id);
        var rows = await ordered.Take(first + 1).ToListAsync(ctx.CancellationToken);
        return Paging.Page(rows, first, after is not null, r => Paging.Cursor(kind, Paging.Key(timeOf(r)), idOf(r)),
            () => filtered.CountAsync(ctx.CancellationToken));
    }

    private sealed class Replace(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
