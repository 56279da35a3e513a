using Callvia.Api.Campaigns;
using Callvia.Api.Tenancy;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Callvia.Api.GraphQL;

public sealed class CallviaSchema : Schema
{
    public CallviaSchema(IServiceProvider services, QueryType query, MutationType mutation, SubscriptionType subscription) : base(services)
    {
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
        RegisterType(typeof(ClientGraphType));
        RegisterType(typeof(CampaignGraphType));
        RegisterType(typeof(Leads.LeadImportGraphType));
    }
}

public static class GraphQLRegistration
{
    public static IServiceCollection AddCallviaGraphQL(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddGraphQL(b => b
            .AddSchema<CallviaSchema>()
            .AddSystemTextJson()
            .AddGraphTypes(typeof(CallviaSchema).Assembly)
            // Resolvers share the request's DbContext, which allows one query at a time.
            .AddExecutionStrategy<SerialExecutionStrategy>(OperationType.Query)
            .AddErrorInfoProvider(o => o.ExposeExceptionDetails = environment.IsDevelopment()));
        return services;
    }
}
