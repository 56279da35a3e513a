using System.Linq.Expressions;
using GraphQL;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.GraphQL;

/// <summary>A connection page newest first, by (time, id) keyset, for any entity with a timestamp and a uuid id.</summary>
public static class NewestFirst
{
    public static async Task<Connection<T>> PageAsync<T>(IResolveFieldContext ctx, string kind, IQueryable<T> filtered,
        Expression<Func<T, DateTimeOffset>> time, Expression<Func<T, Guid>> id)
    {
        var first = Paging.First(ctx);
        var after = Paging.After(ctx, kind);
        var query = filtered;
        if (after is { } a)
        {
            // time < t OR (time = t AND id < cursor id), over the same parameter
            var p = time.Parameters[0];
            var idBody = new Replace(id.Parameters[0], p).Visit(id.Body);
            var t = Expression.Constant(Paging.Time(a.Key));
            var cursorId = Expression.Constant(a.Id);
            var compare = Expression.Call(idBody, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, cursorId);
            var body = Expression.OrElse(Expression.LessThan(time.Body, t),
                Expression.AndAlso(Expression.Equal(time.Body, t), Expression.LessThan(compare, Expression.Constant(0))));
            query = query.Where(Expression.Lambda<Func<T, bool>>(body, p));
        }
        var timeOf = time.Compile();
        var idOf = id.Compile();
        var rows = await query.OrderByDescending(time).ThenByDescending(id).Take(first + 1).ToListAsync(ctx.CancellationToken);
        return Paging.Page(rows, first, after is not null, r => Paging.Cursor(kind, Paging.Key(timeOf(r)), idOf(r)),
            () => filtered.CountAsync(ctx.CancellationToken));
    }

    private sealed class Replace(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
