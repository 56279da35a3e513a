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

    /// <summary>
    /// The activity of work done for several stored trace contexts at once (a batch of webhook events): when they are
    /// all one trace (a single event, most often), it continues that trace, so the trace shows the work's effects too;
    /// otherwise it is a new root linked to each of them.
    /// </summary>
    public static Activity? StartForMany(string name, IEnumerable<string?> traceParents, ActivityKind kind = ActivityKind.Consumer)
    {
        var contexts = new List<ActivityContext>();
        foreach (var traceParent in traceParents)
            if (traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context))
                contexts.Add(context);
        var traces = contexts.Select(c => c.TraceId).Distinct().Count();
        return traces == 1
            ? Source.StartActivity(name, kind, contexts[0])
            : Source.StartActivity(name, kind, parentContext: default, links: contexts.Select(c => new ActivityLink(c)));
    }
}
