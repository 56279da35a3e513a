using System.Diagnostics;

namespace Callvia.Core;

/// <summary>The platform's own activity source ("Callvia", exported by ServiceDefaults when a collector is configured).</summary>
public static class CallviaTelemetry
{
    public static readonly ActivitySource Source = new("Callvia");

    /// <summary>An activity continuing a stored W3C trace context (a webhook's request), or a new root when there is none.</summary>
    public static Activity? StartContinuing(string name, string? traceParent, ActivityKind kind = ActivityKind.Consumer) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
}
