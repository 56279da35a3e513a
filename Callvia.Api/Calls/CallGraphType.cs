using Callvia.Api.GraphQL;
using Callvia.Api.Leads;
using Callvia.Core.Calls;
using GraphQL.Types;

namespace Callvia.Api.Calls;

public sealed class CallGraphType : ObjectGraphType<CallLog>
{
    public const string TypeName = "Call";

    public CallGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        IsTypeOf = o => o is CallLog;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<LeadGraphType>("lead").Resolve(c => c.Source.LeadId is { } id ? Loaders.Lead(c, id) : null);
        Field<NonNullGraphType<StringGraphType>>("providerCallId").Resolve(c => c.Source.ProviderCallId);
        Field<NonNullGraphType<EnumerationGraphType<CallStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<StringGraphType>>("direction").Resolve(c => c.Source.Direction);
        Field<StringGraphType>("fromNumber").Resolve(c => c.Source.FromNumber);
        Field<StringGraphType>("toNumber").Resolve(c => c.Source.ToNumber);
        Field<UtcDateTimeGraphType>("startedAt").Resolve(c => c.Source.StartedAt);
        Field<UtcDateTimeGraphType>("endedAt").Resolve(c => c.Source.EndedAt);
        Field<IntGraphType>("durationSeconds").Resolve(c => c.Source.DurationSeconds);
        Field<StringGraphType>("disconnectionReason").Resolve(c => c.Source.DisconnectionReason);
        Field<StringGraphType>("outcome").Resolve(c => c.Source.Outcome);
        Field<StringGraphType>("summary").Resolve(c => c.Source.Summary);
        Field<StringGraphType>("sentiment").Resolve(c => c.Source.Sentiment);
        Field<StringGraphType>("transcript").Resolve(c => c.Source.Transcript);
        Field<StringGraphType>("recordingUrl").Resolve(c => c.Source.RecordingUrl);
        Field<NonNullGraphType<BooleanGraphType>>("simulated").Description("Played by the sandbox simulator: no one was called, nothing is billed.").Resolve(c => c.Source.Simulated);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<Billing.UsageRecordGraphType>("usage").Description("The call's billable minutes; null until it ended.").Resolve(c => Billing.BillingLoaders.UsageOfCall(c, c.Source.Id));
    }
}
