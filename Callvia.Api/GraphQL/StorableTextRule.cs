using GraphQL;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace Callvia.Api.GraphQL;

/// <summary>
/// Text that cannot be stored (<see cref="Core.Validation.TextInput"/>: a NUL, an unpaired surrogate) anywhere in an
/// operation's arguments (literals, inside input objects and lists) or variables is a <c>VALIDATION</c> error naming the
/// argument or variable path; the operation does not run, so no resolver sends it to the database. Over HTTP and
/// WebSocket alike (both validate with the registered rules).
/// </summary>
public sealed class StorableTextRule : ValidationRuleBase
{
    public const string Code = "VALIDATION";

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        if (context.Variables is { Count: > 0 } variables)
            foreach (var (name, value) in variables)
                if (Find(value, "$" + name) is ({ } path, { } problem))
                    context.ReportError(new ValidationError($"Variable '{path}' {problem}.") { Code = Code });
        return new(new MatchingNodeVisitor<GraphQLArgument>((argument, ctx) =>
        {
            if (Find(argument.Value, argument.Name.StringValue) is ({ } path, { } problem))
                ctx.ReportError(new ValidationError(ctx.Document.Source, null, $"Argument '{path}' {problem}.", argument) { Code = Code });
        }));
    }

    /// <summary>The path to the first string that cannot be stored, and why.</summary>
    private static (string Path, string Problem)? Find(object? value, string path) => value switch
    {
        string s => Core.Validation.TextInput.Problem(s) is { } p ? (path, p) : null,
        IReadOnlyDictionary<string, object?> map => First(map.Select(kv => Find(kv.Value, $"{path}.{kv.Key}"))),
        IDictionary<string, object?> map => First(map.Select(kv => Find(kv.Value, $"{path}.{kv.Key}"))),
        System.Collections.IEnumerable list => First(list.Cast<object?>().Select((item, i) => Find(item, $"{path}[{i}]"))),
        _ => null,
    };

    private static (string Path, string Problem)? Find(GraphQLValue value, string path) => value switch
    {
        GraphQLStringValue s => Core.Validation.TextInput.Problem(s.Value.Span) is { } p ? (path, p) : null,
        GraphQLObjectValue o => First((o.Fields ?? []).Select(f => Find(f.Value, $"{path}.{f.Name.StringValue}"))),
        GraphQLListValue l => First((l.Values ?? []).Select((v, i) => Find(v, $"{path}[{i}]"))),
        _ => null,
    };

    private static (string, string)? First(IEnumerable<(string, string)?> found) => found.FirstOrDefault(f => f is not null);
}
