using GraphQL;
using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Rules.Custom;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace Callvia.Api.GraphQL;

/// <summary>
/// Depth and cost limits, checked while validating (a refused document never runs). An operation that asks for
/// introspection only (<c>__schema</c>, <c>__type</c>, <c>__typename</c> at its root) is bounded by
/// <see cref="IntrospectionBounds"/> instead: graphql-js's standard introspection query is 15 levels deep and its
/// lists are the schema's, so the data limits would refuse what every partner tool sends first.
/// </summary>
public sealed class QueryCostRule(IOptions<ComplexityOptions> options) : ComplexityValidationRule(options.Value)
{
    public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context)
    {
        if (context.HasErrors || context.Operation is not { } operation)
            return base.GetPostNodeVisitorAsync(context);
        if (!IntrospectionBounds.IsIntrospectionOnly(context.Document, operation))
            return base.GetPostNodeVisitorAsync(context);
        if (IntrospectionBounds.Check(context.Document, operation) is { } problem)
            context.ReportError(new ValidationError(problem) { Code = "QUERY_TOO_COMPLEX" });
        return default;
    }
}

/// <summary>
/// Bounds of an introspection-only operation: at most <see cref="MaxDepth"/> levels (the standard query has 15),
/// at most <see cref="MaxNestedLists"/> lists of objects inside each other on one path (types → fields → args in the
/// standard query; so the answer is at most about types × fields × arguments objects), and at most
/// <see cref="MaxFields"/> selected fields once fragments are expanded (fragments that spread each other cannot
/// multiply the work).
/// </summary>
public static class IntrospectionBounds
{
    public const int MaxDepth = 20;
    public const int MaxNestedLists = 3;
    public const int MaxFields = 5_000;

    /// <summary>Introspection fields whose value is a list of objects.</summary>
    private static readonly HashSet<string> ObjectLists = ["types", "fields", "args", "inputFields", "enumValues", "interfaces", "possibleTypes", "directives"];

    public static bool IsIntrospectionOnly(GraphQLDocument document, GraphQLOperationDefinition operation) =>
        operation.Operation == OperationType.Query && RootFields(document, operation.SelectionSet, []).All(f => f.StartsWith("__", StringComparison.Ordinal));

    private static IEnumerable<string> RootFields(GraphQLDocument document, GraphQLSelectionSet set, HashSet<string> seen)
    {
        foreach (var selection in set.Selections)
        {
            switch (selection)
            {
                case GraphQLField field:
                    yield return field.Name.StringValue;
                    break;
                case GraphQLInlineFragment inline:
                    foreach (var name in RootFields(document, inline.SelectionSet, seen)) yield return name;
                    break;
                case GraphQLFragmentSpread spread when seen.Add(spread.FragmentName.Name.StringValue)
                    && Fragment(document, spread) is { } fragment:
                    foreach (var name in RootFields(document, fragment.SelectionSet, seen)) yield return name;
                    break;
            }
        }
    }

    private static GraphQLFragmentDefinition? Fragment(GraphQLDocument document, GraphQLFragmentSpread spread) =>
        document.Definitions.OfType<GraphQLFragmentDefinition>().FirstOrDefault(f => f.FragmentName.Name == spread.FragmentName.Name);

    /// <summary>Null when within bounds, else what is over.</summary>
    public static string? Check(GraphQLDocument document, GraphQLOperationDefinition operation)
    {
        var walk = new Walk(document);
        walk.Visit(operation.SelectionSet, depth: 0, lists: 0);
        return walk.Problem;
    }

    private sealed class Walk(GraphQLDocument document)
    {
        private int _fields;
        public string? Problem { get; private set; }

        public void Visit(GraphQLSelectionSet? set, int depth, int lists)
        {
            if (set is null) return;
            foreach (var selection in set.Selections)
            {
                if (Problem is not null) return;
                switch (selection)
                {
                    case GraphQLField field:
                        if (++_fields > MaxFields)
                            Problem = $"The introspection query selects over {MaxFields} fields once its fragments are expanded.";
                        else if (depth + 1 > MaxDepth)
                            Problem = $"The introspection query is nested over {MaxDepth} levels.";
                        else
                        {
                            var nested = lists + (ObjectLists.Contains(field.Name.StringValue) && field.SelectionSet is not null ? 1 : 0);
                            if (nested > MaxNestedLists)
                                Problem = $"The introspection query nests over {MaxNestedLists} lists of objects inside each other ('{field.Name.StringValue}').";
                            else
                                Visit(field.SelectionSet, depth + 1, nested);
                        }
                        break;
                    case GraphQLInlineFragment inline:
                        Visit(inline.SelectionSet, depth, lists);
                        break;
                    case GraphQLFragmentSpread spread:
                        // validation already refused unknown fragments and cycles
                        Visit(Fragment(document, spread)?.SelectionSet, depth, lists);
                        break;
                }
            }
        }
    }
}
