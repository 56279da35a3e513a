using Callvia.Api.Campaigns;
using Callvia.Api.Tenancy;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Callvia.Api.GraphQL;

public sealed class CallviaSchema : Schema
{
    public CallviaSchema(IServiceProvider services, QueryType query, MutationType mutation) : base(services)
    {
        Query = query;
        Mutation = mutation;
        RegisterType(typeof(ClientGraphType));
        RegisterType(typeof(CampaignGraphType));
        RegisterType(typeof(Leads.LeadImportGraphType));
        RegisterType(typeof(Leads.LeadGraphType));
        RegisterType(typeof(Calls.CallGraphType));
        RegisterType(typeof(Appointments.AppointmentGraphType));
    }
}

public static class GraphQLRegistration
{
    public static IServiceCollection AddCallviaGraphQL(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddScoped<RequestLoaders>();
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
