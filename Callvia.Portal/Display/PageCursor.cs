using System.Globalization;

namespace Callvia.Portal.Display;

/// <summary>
/// A page link's keyset cursor: the last row's sort instant and id, "{utc ticks}.{id}". Readable, and refused (null)
/// when it is not one — a person's edited or stale address gets the first page, not an error.
/// </summary>
public static class PageCursor
{
    public static string Of(DateTimeOffset key, Guid id) => $"{key.UtcTicks}.{id:N}";

    public static (DateTimeOffset Key, Guid Id)? Parse(string? value)
    {
        var dot = value?.IndexOf('.') ?? -1;
        return dot > 0 && long.TryParse(value![..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                       && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(value[(dot + 1)..], "N", out var id)
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), id)
            : null;
    }
}
