using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Callvia.Testing;

/// <summary>HTTP/1.1 written by hand on a socket: the malformed framing no HttpClient would send.</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and then, unless <paramref name="thenClose"/>, keeps the connection open
    /// sending nothing more (a stalled client) while waiting up to <paramref name="timeout"/> for the answer.</summary>
    public static async Task<(int Status, string Response)> SendAsync(int port, byte[] request, TimeSpan timeout, bool thenClose = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await socket.SendAsync(request);
        if (thenClose) socket.Shutdown(SocketShutdown.Send);
        using var cts = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0) break;
                received.Write(buffer, 0, n);
                var text = Encoding.UTF8.GetString(received.ToArray());
                // one whole response is enough: headers and a body of its Content-Length
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end > 0 && LengthOf(text[..end]) is { } length && Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= length) break;
                if (end > 0 && text[..end].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) && text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal)) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        var response = Encoding.UTF8.GetString(received.ToArray());
        var status = response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(response.AsSpan(9, 3), out var s) ? s : 0;
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) return (status, response);
        var head = response[..split];
        var body = response[(split + 4)..];
        return (status, head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    /// <summary>The body of a chunked response (sizes in hex, each chunk followed by CRLF, a 0 chunk at the end).</summary>
    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var eol = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (eol < 0 || !int.TryParse(chunked.AsSpan(at, eol - at), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0) break;
            body.Append(chunked, eol + 2, Math.Min(size, chunked.Length - eol - 2));
            at = eol + 2 + size + 2;
        }
        return body.ToString();
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text.ReplaceLineEndings("\r\n"));

    private static int? LengthOf(string headers)
    {
        foreach (var line in headers.Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) && int.TryParse(line.AsSpan(15).Trim(), out var n))
                return n;
        return null;
    }
}
