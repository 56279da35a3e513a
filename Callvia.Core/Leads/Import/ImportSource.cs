using System.Text;

namespace Callvia.Core.Leads.Import;

/// <summary>Bad input: the import stops, nothing is written, and the caller gets this status and message.</summary>
public sealed class ImportInputException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

public sealed class LeadImportOptions
{
    public const string Section = "Leads:Import";
    /// <summary>Largest accepted file (default 200 MB).</summary>
    public long MaxBytes { get; set; } = 200L * 1024 * 1024;
    /// <summary>How many rejected rows the response carries; the full list is the report CSV.</summary>
    public int RejectionsInResponse { get; set; } = 100;
}

/// <summary>
/// An uploaded CSV opened for streaming: checked to be text (not a spreadsheet or other binary),
/// decoded as UTF-8 (BOM or not), its header read and mapped, its first data row read. Everything
/// that makes the whole file unusable is found here, before anything is written.
/// </summary>
public sealed class ImportSource
{
    private ImportSource(CsvRecordReader reader, ImportColumns columns, List<string> firstRecord, int firstLine, string? firstError, LimitedStream counter)
    {
        Reader = reader; Columns = columns; FirstRecord = firstRecord; FirstLine = firstLine; FirstError = firstError; _counter = counter;
    }

    private readonly LimitedStream _counter;
    public CsvRecordReader Reader { get; }
    public ImportColumns Columns { get; }
    public List<string> FirstRecord { get; }
    public int FirstLine { get; }
    public string? FirstError { get; }
    public long BytesRead => _counter.BytesRead;

    public static async Task<ImportSource> OpenAsync(Stream body, long maxBytes, CancellationToken ct)
    {
        var limited = new LimitedStream(body, maxBytes);
        var head = new byte[4096];
        var headLength = 0;
        while (headLength < head.Length)
        {
            var n = await limited.ReadAsync(head.AsMemory(headLength), ct);
            if (n == 0) break;
            headLength += n;
        }
        if (headLength == 0)
            throw new ImportInputException(400, "The file is empty.");
        // a NUL byte anywhere in a UTF-8 file (PostgreSQL cannot store one) refuses the whole file, like invalid UTF-8;
        // UTF-16 (with its BOM) has zero bytes in every ASCII character: its text is checked per field (LeadRowRules)
        limited.RefuseNulBytes = !Sniff(head.AsSpan(0, headLength));

        var text = new StreamReader(new PrefixedStream(head.AsMemory(0, headLength), limited),
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
            detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        var reader = new CsvRecordReader(text);
        List<string>? header;
        try
        {
            header = await reader.ReadHeaderAsync(ct);
        }
        catch (DecoderFallbackException)
        {
            throw new ImportInputException(400, "The file is not UTF-8 text. Save it as CSV UTF-8.");
        }
        if (header is null || header.All(h => h.Length == 0))
            throw new ImportInputException(400, "The file is empty.");
        if (header.Select(h => Validation.TextInput.Problem(h)).FirstOrDefault(p => p is not null) is { } badHeader)
            throw new ImportInputException(400, "A column header " + badHeader + ".");
        var columns = ImportColumns.Map(header);
        if (columns.Phone < 0)
            throw new ImportInputException(400,
                $"No phone column: expected a header named phone, phone_number, mobile or cell; found: {string.Join(", ", header.Select(h => $"'{h}'"))}.");

        var first = new List<string>();
        var firstLine = await ReadAsync(reader, first, ct)
            ?? throw new ImportInputException(400, "The file has a header but no rows.");
        return new ImportSource(reader, columns, first, firstLine, reader.RecordError, limited);
    }

    /// <summary>Reads a record, turning a decoding failure into the caller's error.</summary>
    public static async ValueTask<int?> ReadAsync(CsvRecordReader reader, List<string> fields, CancellationToken ct)
    {
        try
        {
            return await reader.ReadRecordAsync(fields, ct);
        }
        catch (DecoderFallbackException)
        {
            throw new ImportInputException(400, "The file is not valid UTF-8 text. Save it as CSV UTF-8.");
        }
    }

    /// <summary>Refuses what is not text; true for UTF-16 with a byte order mark.</summary>
    private static bool Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\x03\x04"u8))
            throw new ImportInputException(415, "This is a spreadsheet or archive (e.g. .xlsx), not CSV. Save it as CSV UTF-8 and upload that.");
        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]))
            throw new ImportInputException(415, "This is an Excel workbook (.xls), not CSV. Save it as CSV UTF-8 and upload that.");
        if (head.StartsWith("%PDF"u8))
            throw new ImportInputException(415, "This is a PDF, not CSV.");
        var utf16 = head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);
        if (!utf16 && head.Contains((byte)0))
            throw new ImportInputException(415, "This is a binary file, not CSV text.");
        return utf16;
    }

    /// <summary>Counts bytes and stops at the limit with a 413.</summary>
    private sealed class LimitedStream(Stream inner, long max) : ForwardOnlyStream
    {
        public long BytesRead { get; private set; }
        public bool RefuseNulBytes { get; set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await inner.ReadAsync(buffer, ct);
            var at = BytesRead;
            BytesRead += n;
            if (BytesRead > max)
                throw new ImportInputException(413, $"The file is larger than the limit of {max / (1024 * 1024)} MB.");
            CheckNul(buffer.Span[..n], at);
            return n;
        }

        public void CheckNul(ReadOnlySpan<byte> bytes, long offset)
        {
            if (RefuseNulBytes && bytes.IndexOf((byte)0) is var i and >= 0)
                throw new ImportInputException(400,
                    $"The file has a NUL byte at byte {offset + i + 1:N0}: it is not CSV text (PostgreSQL cannot store it). Nothing was imported.");
        }
    }

    /// <summary>Replays the sniffed head, then reads on.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_prefix.IsEmpty) return await rest.ReadAsync(buffer, ct);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }
    }

    /// <summary>A read-only, forward-only stream: subclasses implement ReadAsync only.</summary>
    private abstract class ForwardOnlyStream : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
