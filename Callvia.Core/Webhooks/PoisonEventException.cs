namespace Callvia.Core.Webhooks;

/// <summary>
/// A stored event that can never be applied as it is (times that do not parse, a required field missing, an invoice
/// that collides with another): it ends <c>failed</c> with this reason at once, without retries, and changes nothing
/// else. The agency sees it and can replay it after a fix.
/// </summary>
public sealed class PoisonEventException(string reason) : Exception(reason);
