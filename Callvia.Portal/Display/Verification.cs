using Callvia.Core.Appointments;

namespace Callvia.Portal.Display;

/// <summary>Which rule of the verification hierarchy decided, in words (design.md "Show verification").</summary>
public static class Verification
{
    public static string Describe(VerificationSource source) => source switch
    {
        VerificationSource.Client => "the client's answer",
        VerificationSource.Lead => "the lead's reply",
        VerificationSource.Call => "a call from the lead around the appointment",
        VerificationSource.None => "no evidence of a show (no-show)",
        _ => source.ToString(),
    };
}
