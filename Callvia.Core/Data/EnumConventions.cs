using System.Collections.Frozen;
using System.Text;
using Callvia.Core.Appointments;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using Callvia.Core.Campaigns;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Callvia.Core.Data;

/// <summary>Enums are stored as snake_case strings ('no_show'), readable in SQL and stable across renames of C# members' casing.</summary>
internal static class EnumConventions
{
    public static void Apply(ModelConfigurationBuilder b)
    {
        Map<ClientStatus>(b); Map<CampaignStatus>(b); Map<LeadStatus>(b); Map<CallStatus>(b);
        Map<AppointmentStatus>(b); Map<VerificationSource>(b); Map<MessageChannel>(b);
        Map<MessageDirection>(b); Map<MessageStatus>(b); Map<InvoiceKind>(b); Map<InvoiceStatus>(b);
        Map<MilestoneStatus>(b); Map<InvoiceStep>(b); Map<EventStatus>(b); Map<Dialer.DialState>(b);
        Map<Leads.Import.LeadImportStatus>(b); Map<Leads.Import.LeadImportIssueKind>(b); Map<Leads.Import.LeadImportPhase>(b);
    }

    private static void Map<T>(ModelConfigurationBuilder b) where T : struct, Enum =>
        b.Properties<T>().HaveConversion<SnakeCaseEnumConverter<T>>().HaveMaxLength(32);
}

public sealed class SnakeCaseEnumConverter<T>() : ValueConverter<T, string>(v => SnakeCaseEnum<T>.ToDb(v), s => SnakeCaseEnum<T>.FromDb(s))
    where T : struct, Enum;

public static class SnakeCaseEnum<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> Names =
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => SnakeCase(v.ToString()));
    private static readonly FrozenDictionary<string, T> Values =
        Names.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    public static string ToDb(T value) => Names[value];
    public static T FromDb(string value) => Values[value];

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
