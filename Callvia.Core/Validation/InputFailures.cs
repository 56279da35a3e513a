using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Callvia.Core.Validation;

/// <summary>
/// Whether a failure while reading a caller's input was the caller's (a 4xx with why) or ours (0: not an input failure).
/// One home for the rule: the web services' last-line handler answers with it, the lead import records it on the import.
/// <list type="bullet">
/// <item>Kestrel's own refusals while the body is read (<see cref="BadHttpRequestException"/>: a bad chunk size, a body
/// over the endpoint's limit, a body that stalls below the minimum data rate, one shorter than its Content-Length):
/// its status (400, 408, 413) and its message.</item>
/// <item>A multipart body whose framing is broken (<see cref="InvalidDataException"/>, an <see cref="IOException"/>
/// for an unexpected end): 400.</item>
/// <item>A safety net behind the edge checks (<see cref="TextInput"/>): text PostgreSQL cannot store that got as far
/// as the database (22021, 22P05) is 400, not a database error.</item>
/// </list>
/// </summary>
public static class InputFailures
{
    public static (int Status, string Detail) Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BadHttpRequestException bad:
                    return (bad.StatusCode, "The request could not be read: " + bad.Message
                        + (bad.InnerException is { } inner ? " " + inner.Message : ""));
                case InvalidDataException invalid:
                    return (400, "The request body is malformed: " + invalid.Message);
                case IOException io when io.Message.Contains("Unexpected end", StringComparison.OrdinalIgnoreCase):
                    return (400, "The request body ended before it was complete: " + io.Message);
                case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter }:
                    return (400, "The request contains text that cannot be stored (a NUL character or invalid Unicode).");
            }
        }
        return (0, "");
    }

}
