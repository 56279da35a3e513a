using Callvia.Api.GraphQL;
using Callvia.Core.Dialer;
using GraphQL.Types;

namespace Callvia.Api.Campaigns;

/// <summary>Campaign.dialer: <see cref="DialerStatus"/>'s answer.</summary>
public sealed class CampaignDialerGraphType : ObjectGraphType<CampaignDialerStatus>
{
    public CampaignDialerGraphType()
    {
        Name = "CampaignDialer";
        Description = "The campaign's dialer now: whether it calls (and why not), its calls in progress and where its leads stand.";
        Field<NonNullGraphType<StringGraphType>>("state").Description("In words: calling, or why not (paused, stopped, no from-number...).").Resolve(c => c.Source.State);
        Field<NonNullGraphType<BooleanGraphType>>("calling").Description("Whether new calls start.").Resolve(c => c.Source.Calling);
        Field<NonNullGraphType<IntGraphType>>("inProgress").Description("Calls holding a slot now.").Resolve(c => c.Source.InProgress);
        Field<NonNullGraphType<IntGraphType>>("dueNow").Description("Leads to be called as slots free up.").Resolve(c => c.Source.DueNow);
        Field<NonNullGraphType<IntGraphType>>("waitingForWindow").Description("Leads outside their calling window now.").Resolve(c => c.Source.WaitingForWindow);
        Field<NonNullGraphType<IntGraphType>>("waitingForRetry").Description("Leads waiting for a retry step or a callback time.").Resolve(c => c.Source.WaitingForRetry);
        Field<NonNullGraphType<LongGraphType>>("setAside").Description("Leads the dialer is done with or cannot call (each lead's dialerNote says why).").Resolve(c => c.Source.SetAside);
        Field<UtcDateTimeGraphType>("nextWindowAt").Description("When the next lead's calling window opens.").Resolve(c => c.Source.NextWindowAt);
    }
}

/// <summary>Lead.dialAttempts: one call attempt of the dialer.</summary>
public sealed class DialAttemptGraphType : ObjectGraphType<DialAttempt>
{
    public DialAttemptGraphType()
    {
        Name = "DialAttempt";
        Field<NonNullGraphType<IntGraphType>>("number").Description("The lead's attempt number (1 for the first call).").Resolve(c => c.Source.Number);
        Field<NonNullGraphType<DialStateGraphType>>("state").Resolve(c => c.Source.State);
        Field<StringGraphType>("outcome").Description("The call's outcome, else its disconnection reason; for one not placed, why.").Resolve(c => c.Source.Outcome);
        Field<StringGraphType>("error").Resolve(c => c.Source.Error);
        Field<StringGraphType>("callId").Description("Retell's call id.").Resolve(c => c.Source.ProviderCallId);
        Field<NonNullGraphType<BooleanGraphType>>("simulated").Description("Placed with the sandbox simulator: no one was called.").Resolve(c => c.Source.Simulated);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<UtcDateTimeGraphType>("placedAt").Resolve(c => c.Source.PlacedAt);
        Field<UtcDateTimeGraphType>("endedAt").Resolve(c => c.Source.EndedAt);
    }
}

public sealed class DialStateGraphType : EnumerationGraphType<DialState>
{
    public DialStateGraphType() => Name = "DialState";
}
