using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>
/// A <c>graphql-transport-ws</c> client over a real <see cref="ClientWebSocket"/>: a background reader queues every
/// message (so a test can wait for one with a timeout without aborting the socket) and records the close.
/// </summary>
internal sealed class GraphQLWsClient : IAsyncDisposable
{
    public const string Subprotocol = "graphql-transport-ws";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource<(int Code, string? Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;

    private GraphQLWsClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoopAsync);
    }

    public string? NegotiatedSubprotocol => _socket.SubProtocol;

    public static async Task<GraphQLWsClient> ConnectAsync(RunningApp app, string slug, string? subprotocol = Subprotocol, CookieContainer? cookies = null,
        string? query = null)
    {
        var socket = new ClientWebSocket();
        if (subprotocol is not null) socket.Options.AddSubProtocol(subprotocol);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        // the loopback handler resolves {slug}.localhost to 127.0.0.1 and sends the cookies, like a browser
        await socket.ConnectAsync(new Uri($"ws://{slug}.{CallviaFixture.RootDomain}:{app.Port}/graphql" + (query is null ? "" : "?" + query)),
            new HttpMessageInvoker(RunningApp.LoopbackHandler(cookies ?? new CookieContainer())), timeout.Token);
        return new GraphQLWsClient(socket);
    }

    /// <summary>Connects and completes <c>connection_init</c> with the bearer token.</summary>
    public static async Task<GraphQLWsClient> ConnectAckedAsync(RunningApp app, string slug, string token)
    {
        var client = await ConnectAsync(app, slug);
        await client.SendAsync(new { type = "connection_init", payload = new { Authorization = "Bearer " + token } });
        Assert.Equal("connection_ack", (await client.NextAsync()).GetProperty("type").GetString());
        return client;
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    public Task SubscribeAsync(string id, string query, object? variables = null) =>
        SendAsync(new { id, type = "subscribe", payload = new { query, variables } });

    /// <summary>The next message; fails if none comes in time or the socket closes.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan? timeout = null)
    {
        var message = await TryNextAsync(timeout ?? DefaultTimeout);
        if (message is { } m) return m;
        var closed = _closed.Task.IsCompleted ? $" (closed {_closed.Task.Result.Code} {_closed.Task.Result.Reason})" : "";
        throw new Xunit.Sdk.XunitException("No message arrived in time" + closed);
    }

    /// <summary>The next message, or null if none came within <paramref name="window"/> (the socket stays open).</summary>
    public async Task<JsonElement?> TryNextAsync(TimeSpan window)
    {
        using var timeout = new CancellationTokenSource(window);
        try
        {
            return await _messages.Reader.ReadAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Waits for the server to close the socket; fails on any message before that.</summary>
    public async Task<(int Code, string? Reason)> ClosedAsync(TimeSpan? timeout = null)
    {
        var closed = await _closed.Task.WaitAsync(timeout ?? DefaultTimeout);
        if (_messages.Reader.TryRead(out var unexpected))
            throw new Xunit.Sdk.XunitException("Unexpected message before the close: " + unexpected.GetRawText());
        return closed;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(((int?)_socket.CloseStatus ?? 0, _socket.CloseStatusDescription));
                    // answer the close, as browsers do
                    try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); }
                    catch (WebSocketException) { }
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                _messages.Writer.TryWrite(JsonSerializer.Deserialize<JsonElement>(message.ToArray()));
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _closed.TrySetResult((-1, "aborted: " + e.Message));
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(2)); }
        catch (TimeoutException) { }
        _socket.Dispose();
    }
}
