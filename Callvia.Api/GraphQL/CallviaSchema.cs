using Callvia.Api.Campaigns;
using Callvia.Api.Tenancy;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation.Complexity;
using GraphQLParser.AST;

namespace Callvia.Api.GraphQL;

public sealed class CallviaSchema : Schema
{
    public CallviaSchema(IServiceProvider services, QueryType query, MutationType mutation, SubscriptionType subscription) : base(services)
    {
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
        Features.DeprecationOfInputValues = true; // deprecated arguments show as such in introspection (calls/appointments' flat ones)
        Features.RepeatableDirectives = true; // __Directive.isRepeatable, which graphql-js's introspection query asks for
        RegisterType(typeof(ClientGraphType));
        RegisterType(typeof(CampaignGraphType));
        RegisterType(typeof(Leads.LeadImportGraphType));
        RegisterType(typeof(Leads.LeadGraphType));
        RegisterType(typeof(Calls.CallGraphType));
        RegisterType(typeof(Appointments.AppointmentGraphType));
        RegisterType(typeof(Messaging.SuppressionGraphType));
        RegisterType(typeof(Billing.InvoiceGraphType));
        RegisterType(typeof(Billing.MilestoneGraphType));
        RegisterType(typeof(Billing.UsageRecordGraphType));
        RegisterType(typeof(Messaging.MessageGraphType));
    }

    protected override void OnBeforeInitializeType(IGraphType graphType) => IntrospectionFields.Extend(graphType);
}

public static class Limits
{
    /// <summary>Deepest selection allowed (a lead's last call's lead's ... stops here).</summary>
    public const int MaxDepth = 12;
    /// <summary>graphql-dotnet's estimate (fields, times list sizes from first/last); a page of 100 leads with navigations fits.</summary>
    public const int MaxComplexity = 20_000;
}

public static class GraphQLRegistration
{
    public static IServiceCollection AddCallviaGraphQL(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddScoped<RequestLoaders>();
        services.AddSingleton<Protection.ApiRateLimiter>();
        services.AddOptions<Protection.RateLimitOptions>().BindConfiguration(Protection.RateLimitOptions.Section);
        services.Configure<ComplexityOptions>(o =>
        {
            o.MaxDepth = Limits.MaxDepth;
            o.MaxComplexity = Limits.MaxComplexity;
        });
        services.AddGraphQL(b => b
            .AddSchema<CallviaSchema>()
            .AddSystemTextJson()
            .AddGraphTypes(typeof(CallviaSchema).Assembly)
            // Resolvers share the request's DbContext, which allows one query at a time.
            .AddExecutionStrategy<SerialExecutionStrategy>(OperationType.Query)
            // depth and cost limits, checked while validating: a refused document never runs
            .AddValidationRule<QueryCostRule>()
            // text that cannot be stored (NUL, a lone surrogate) in any argument or variable: VALIDATION, before it runs
            .AddValidationRule<StorableTextRule>()
            .AddErrorInfoProvider(o => o.ExposeExceptionDetails = environment.IsDevelopment()));
        return services;
    }
}
