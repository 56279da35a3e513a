
namespace Callvia.Core.Validation;

/// <summary>
/// The one rule for text anyone sends us (GraphQL arguments, REST bodies, form fields, CSV rows): PostgreSQL cannot
/// store a NUL character, and a lone UTF-16 surrogate is not Unicode at all (it cannot be encoded as UTF-8). Such
/// text is refused at the edge with the field named, never sent to the database.
/// </summary>
public static class TextInput
{
    /// <summary>Why <paramref name="value"/> cannot be stored, or null when it can.</summary>
    public static string? Problem(ReadOnlySpan<char> value)
    {
        if (value.IndexOf('\0') >= 0)
            return "contains a NUL character (U+0000), which cannot be stored";
        if (HasLoneSurrogate(value))
            return "contains an unpaired UTF-16 surrogate (not valid Unicode)";
        return null;
    }

    /// <summary>"{field} contains …", or null.</summary>
    public static string? Problem(string field, string? value) =>
        value is not null && Problem(value.AsSpan()) is { } problem ? $"{field} {problem}." : null;

    /// <summary>The first of several fields' problems, or null.</summary>
    public static (string Field, string Message)? FirstProblem(params (string Field, string? Value)[] fields)
    {
        foreach (var (field, value) in fields)
            if (Problem(field, value) is { } message)
                return (field, message);
        return null;
    }

    private static bool HasLoneSurrogate(ReadOnlySpan<char> value)
    {
        // fast path: most text has no surrogates at all
        var i = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return false;
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return true;
                i++;
            }
            else if (char.IsLowSurrogate(c)) return true;
        }
        return false;
    }
}

/// <summary>Reading strings from a <see cref="System.Text.Json.JsonElement"/> that a caller sent.</summary>
public static class JsonText
{
    /// <summary>False for a string System.Text.Json cannot turn into UTF-16 (an escaped lone surrogate, "\ud800").</summary>
    public static bool TryGetString(System.Text.Json.JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }
}
