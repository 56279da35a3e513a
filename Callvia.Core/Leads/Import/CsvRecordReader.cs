using System.Text;

namespace Callvia.Core.Leads.Import;

/// <summary>
/// A streaming RFC 4180 reader: quoted fields with embedded delimiters, quotes ("") and newlines;
/// CRLF, LF or CR line ends; a delimiter guessed from the header line (comma, semicolon or tab). It
/// holds one record at a time, so a file of any size reads in constant memory, and it knows the line
/// each record starts on, for the report.
/// </summary>
public sealed class CsvRecordReader(TextReader reader, int maxFieldLength = 64 * 1024)
{
    private readonly char[] _buffer = new char[64 * 1024];
    private int _position, _length;
    private int _line = 1;
    private readonly StringBuilder _field = new();

    public char Delimiter { get; private set; } = ',';

    /// <summary>The problem with the last record read, if it was malformed (its fields are then unusable).</summary>
    public string? RecordError { get; private set; }

    /// <summary>Reads the header line and guesses the delimiter from it. Null for an empty file.</summary>
    public async Task<List<string>?> ReadHeaderAsync(CancellationToken ct = default)
    {
        await FillAsync(ct);
        Delimiter = GuessDelimiter();
        var header = new List<string>();
        return await ReadRecordAsync(header, ct) is null ? null : header;
    }

    /// <summary>
    /// Reads the next non-blank record into <paramref name="fields"/>; returns its first line number,
    /// or null at the end of the input.
    /// </summary>
    public async ValueTask<int?> ReadRecordAsync(List<string> fields, CancellationToken ct = default)
    {
        while (true)
        {
            fields.Clear();
            RecordError = null;
            if (_position >= _length && !await FillAsync(ct))
                return null;
            var startLine = _line;
            var blank = await ReadFieldsAsync(fields, ct);
            if (!blank) return startLine;
        }
    }

    /// <summary>Returns true when the record was a blank line.</summary>
    private async ValueTask<bool> ReadFieldsAsync(List<string> fields, CancellationToken ct)
    {
        _field.Clear();
        var quoted = false;       // inside a quoted section
        var wasQuoted = false;    // this field had a quoted section
        var anyContent = false;
        while (true)
        {
            if (_position >= _length && !await FillAsync(ct))
            {
                if (quoted) RecordError = "a quoted field is not closed before the end of the file";
                EndField(fields, wasQuoted);
                return !anyContent && fields.Count == 1 && fields[0].Length == 0;
            }
            var c = _buffer[_position++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (_position >= _length && !await FillAsync(ct)) { quoted = false; continue; }
                    if (_buffer[_position] == '"') { Append('"'); _position++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n' || (c == '\r' && !NextIs('\n'))) _line++;
                    Append(c);
                }
                continue;
            }
            if (c == Delimiter)
            {
                EndField(fields, wasQuoted);
                wasQuoted = false;
                anyContent = true;
            }
            else if (c == '"' && _field.Length == 0 && !wasQuoted)
            {
                quoted = wasQuoted = anyContent = true;
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r')
                {
                    if (_position >= _length) await FillAsync(ct);
                    if (_position < _length && _buffer[_position] == '\n') _position++;
                }
                _line++;
                EndField(fields, wasQuoted);
                return !anyContent && fields.Count == 1 && fields[0].Length == 0;
            }
            else
            {
                if (wasQuoted)
                {
                    if (char.IsWhiteSpace(c)) continue;
                    RecordError ??= "text after a closing quote";
                }
                Append(c);
                anyContent = true;
            }
        }
    }

    private bool NextIs(char c) => _position < _length && _buffer[_position] == c;

    private void Append(char c)
    {
        if (_field.Length < maxFieldLength) _field.Append(c);
        else RecordError ??= $"a field is longer than {maxFieldLength} characters";
    }

    private void EndField(List<string> fields, bool wasQuoted)
    {
        fields.Add(wasQuoted ? _field.ToString() : _field.ToString().Trim());
        _field.Clear();
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        // keep what is unread (at most one char after a lookahead) at the front
        var keep = _length - _position;
        if (keep > 0) Array.Copy(_buffer, _position, _buffer, 0, keep);
        _position = 0;
        _length = keep;
        var read = await reader.ReadAsync(_buffer.AsMemory(keep), ct);
        _length += read;
        return read > 0 || keep > 0;
    }

    /// <summary>The most frequent of comma, semicolon and tab outside quotes on the first line.</summary>
    private char GuessDelimiter()
    {
        int comma = 0, semicolon = 0, tab = 0;
        var quoted = false;
        for (var i = _position; i < _length; i++)
        {
            var c = _buffer[i];
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c is '\n' or '\r') break;
            else if (c == ',') comma++;
            else if (c == ';') semicolon++;
            else if (c == '\t') tab++;
        }
        if (tab > comma && tab >= semicolon) return '\t';
        if (semicolon > comma) return ';';
        return ',';
    }
}
