using GraphQL;
using GraphQL.Resolvers;
using GraphQL.Types;

namespace Callvia.Api.GraphQL;

/// <summary>
/// What current graphql-js (getIntrospectionQuery with every option, as GraphiQL and code generators send it) asks
/// of the introspection types and graphql-dotnet 8 does not have: <c>__Type.specifiedByURL</c> and
/// <c>__Directive.args(includeDeprecated:)</c>. (<c>isRepeatable</c> is the schema feature RepeatableDirectives.)
/// </summary>
public static class IntrospectionFields
{
    /// <summary>Metadata key on a scalar: the URL of its specification, shown as <c>specifiedByURL</c>.</summary>
    public const string SpecifiedByUrl = "specifiedByURL";

    /// <summary>Called for every type before the schema initializes it; changes only the introspection types.</summary>
    public static void Extend(IGraphType type)
    {
        switch (type.Name)
        {
            case "__Type" when type is IObjectGraphType typeType && !typeType.HasField("specifiedByURL"):
                typeType.AddField(new FieldType
                {
                    Name = "specifiedByURL",
                    Type = typeof(StringGraphType),
                    Resolver = new FuncFieldResolver<object?>(c => c.Source is ScalarGraphType scalar ? scalar.GetMetadata<string?>(SpecifiedByUrl) : null),
                });
                break;
            case "__Directive" when type is IComplexGraphType directiveType && directiveType.GetField("args") is { } args
                && args.Arguments?.Find("includeDeprecated") is null:
                args.Arguments ??= new QueryArguments();
                args.Arguments.Add(new QueryArgument<BooleanGraphType> { Name = "includeDeprecated", DefaultValue = false });
                args.Resolver = new FuncFieldResolver<object?>(c =>
                {
                    IEnumerable<QueryArgument> arguments = ((Directive)c.Source!).Arguments ?? [];
                    return c.GetArgument("includeDeprecated", false)
                        ? arguments
                        : arguments.Where(a => string.IsNullOrWhiteSpace(a.DeprecationReason)).ToList();
                });
                break;
        }
    }
}
