using Callvia.Api.Appointments;
using Callvia.Api.Calls;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Core.Leads;
using GraphQL.Types;

namespace Callvia.Api.Leads;

public sealed class LeadGraphType : ObjectGraphType<Lead>
{
    public const string TypeName = "Lead";

    public LeadGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        IsTypeOf = o => o is Lead;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field<NonNullGraphType<CampaignGraphType>>("campaign").Resolve(c => Loaders.Campaign(c, c.Source.CampaignId));
        Field<StringGraphType>("firstName").Resolve(c => c.Source.FirstName);
        Field<StringGraphType>("lastName").Resolve(c => c.Source.LastName);
        Field<NonNullGraphType<StringGraphType>>("phone").Description("E.164.").Resolve(c => c.Source.PhoneE164);
        Field<StringGraphType>("email").Resolve(c => c.Source.Email);
        Field<StringGraphType>("timeZone").Resolve(c => c.Source.TimeZone);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CustomFieldGraphType>>>>("customFields")
            .Description("The call agent's variables (an import's extra columns, or upsertLead's), by name.")
            .Resolve(c => c.Source.CustomFields.OrderBy(f => f.Key, StringComparer.OrdinalIgnoreCase).ToList());
        Field<NonNullGraphType<LeadStatusGraphType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<IntGraphType>>("attempts").Resolve(c => c.Source.Attempts);
        Field<UtcDateTimeGraphType>("lastAttemptAt").Resolve(c => c.Source.LastAttemptAt);
        Field<UtcDateTimeGraphType>("nextAttemptAt").Resolve(c => c.Source.NextAttemptAt);
        Field<UtcDateTimeGraphType>("optedOutAt").Resolve(c => c.Source.OptedOutAt);
        Field<UtcDateTimeGraphType>("consentAt").Description("When the lead consented to be called.").Resolve(c => c.Source.ConsentAt);
        Field<StringGraphType>("consentSource").Description("How consent was given.").Resolve(c => c.Source.ConsentSource);
        Field<UtcDateTimeGraphType>("dialAt").Description("When the dialer next looks at the lead (its next attempt, moved into its calling window); null while in a call or when it is done.").Resolve(c => c.Source.DialAt);
        Field<StringGraphType>("dialerNote").Description("The dialer's last word on the lead: why it waits or is not called.").Resolve(c => c.Source.DialerNote);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<NonNullGraphType<UtcDateTimeGraphType>>("updatedAt").Resolve(c => c.Source.UpdatedAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DialAttemptGraphType>>>>("dialAttempts")
            .Description("The dialer's attempts to call the lead, oldest first, with their outcomes (one not placed does not count).")
            .Resolve(c => Loaders.DialAttempts(c, c.Source.Id));
        Field<CallGraphType>("lastCall").Description("The lead's most recent call.").Resolve(c => Loaders.LastCall(c, c.Source.Id));
        Messaging.MessageFields.AddLeadMessages(this);
        Field<AppointmentGraphType>("lastAppointment").Description("The lead's most recent booking.").Resolve(c => Loaders.LastAppointment(c, c.Source.Id));
        LeadNavigations.Add(this);
    }
}

public sealed class LeadStatusGraphType : EnumerationGraphType<LeadStatus>
{
    public LeadStatusGraphType() => Name = "LeadStatus";
}

public sealed record LeadFilter(List<LeadStatus>? Status, string? CampaignId, DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, string? Search);

public sealed class LeadFilterInputType : InputObjectGraphType<LeadFilter>
{
    public LeadFilterInputType()
    {
        Name = "LeadFilter";
        Field<ListGraphType<NonNullGraphType<LeadStatusGraphType>>>("status").Description("Any of these statuses.");
        Field<IdGraphType>("campaignId");
        Field<UtcDateTimeGraphType>("createdFrom").Description("Created at or after.");
        Field<UtcDateTimeGraphType>("createdTo").Description("Created before.");
        Field<StringGraphType>("search").Description("Part of the name or email, or digits of the phone number.");
    }
}

public sealed record LeadOrder(LeadOrderField Field, SortDirection Direction);

public sealed class LeadOrderInputType : InputObjectGraphType<LeadOrder>
{
    public LeadOrderInputType()
    {
        Name = "LeadOrder";
        Field<NonNullGraphType<EnumerationGraphType<LeadOrderField>>>("field");
        Field<NonNullGraphType<EnumerationGraphType<SortDirection>>>("direction");
    }
}

public sealed class CustomFieldGraphType : ObjectGraphType<KeyValuePair<string, string>>
{
    public CustomFieldGraphType()
    {
        Name = "CustomField";
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Key);
        Field<NonNullGraphType<StringGraphType>>("value").Resolve(c => c.Source.Value);
    }
}
