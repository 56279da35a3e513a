using System.Text;
using Callvia.Core.Leads.Import;
using Xunit;

namespace Callvia.Core.Tests;

public sealed class CsvRecordReaderShould
{
    private static async Task<(List<string> Header, List<(int Line, List<string> Fields, string? Error)> Rows, char Delimiter)> ReadAsync(string text)
    {
        var reader = new CsvRecordReader(new StringReader(text));
        var header = await reader.ReadHeaderAsync() ?? [];
        var rows = new List<(int, List<string>, string?)>();
        var fields = new List<string>();
        while (await reader.ReadRecordAsync(fields) is { } line)
            rows.Add((line, fields.ToList(), reader.RecordError));
        return (header, rows, reader.Delimiter);
    }

    [Theory]
    [InlineData("phone,name\n1,a\n", ',')]    // comma
    [InlineData("phone;name\n1;a\n", ';')]    // semicolon (European spreadsheets)
    [InlineData("phone\tname\n1\ta\n", '\t')] // tab
    [InlineData("\"a,b\";c;d\n1;2;3\n", ';')] // a comma inside quotes does not count
    public async Task Detect_the_delimiter_from_the_header(string text, char delimiter)
    {
        var (_, rows, found) = await ReadAsync(text);
        Assert.Equal(delimiter, found);
        Assert.True(rows[0].Fields.Count >= 2);
    }

    [Fact]
    public async Task Read_quoted_fields_with_delimiters_quotes_and_newlines_and_count_lines()
    {
        var (header, rows, _) = await ReadAsync("name,phone,note\r\n\"Smith, Jo\",1,\"said \"\"hi\"\"\"\r\nAl,2,\"two\nlines\"\r\nBo,3,x\r\n");
        Assert.Equal(["name", "phone", "note"], header);
        Assert.Equal(["Smith, Jo", "1", "said \"hi\""], rows[0].Fields);
        Assert.Equal(2, rows[0].Line);
        Assert.Equal("two\nlines", rows[1].Fields[2]);
        Assert.Equal(3, rows[1].Line);
        Assert.Equal(5, rows[2].Line); // the embedded newline took line 4
    }

    [Theory]
    [InlineData("phone\n1\n2\n")]       // LF
    [InlineData("phone\r\n1\r\n2\r\n")] // CRLF
    [InlineData("phone\r1\r2")]         // CR, no final newline
    [InlineData("phone\n1\n\n2\n\n")]   // blank lines are skipped, not rows
    public async Task Accept_any_line_ending(string text)
    {
        var (_, rows, _) = await ReadAsync(text);
        Assert.Equal(["1", "2"], rows.Select(r => r.Fields[0]));
    }

    [Fact]
    public async Task Report_an_unclosed_quote_as_a_malformed_record()
    {
        var (_, rows, _) = await ReadAsync("phone,name\n1,\"open\n");
        Assert.NotNull(rows.Single().Error);
    }

    [Fact]
    public async Task Skip_a_UTF8_byte_order_mark_and_decode_UTF8()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Phone,Name\n+12125550100,Zoë\n")).ToArray();
        await using var stream = new MemoryStream(bytes);
        var source = await ImportSource.OpenAsync(stream, 1 << 20, default);
        Assert.Equal("Phone", source.Columns.Headers[0]);
        Assert.Equal(0, source.Columns.Phone);
        Assert.Equal("Zoë", source.FirstRecord[1]);
    }
}
