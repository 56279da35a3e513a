using Callvia.Core.Appointments;
using Callvia.Core.Billing;

namespace Callvia.Portal.Display;

/// <summary>Which rule of the verification hierarchy decided, in words (Core's <see cref="EvidenceRules"/>).</summary>
public static class Verification
{
    public static string Describe(VerificationSource source) => EvidenceRules.Describe(source);
}
