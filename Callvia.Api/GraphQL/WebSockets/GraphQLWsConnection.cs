using Callvia.Web.Tenancy;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Callvia.Api.Auth;
using Callvia.Core.Tenancy;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Callvia.Api.GraphQL.WebSockets;

/// <summary>
/// One socket speaking <c>graphql-transport-ws</c>: <c>connection_init</c> (authenticated, of the host's
/// tenant) → <c>connection_ack</c>; then <c>subscribe</c>/<c>complete</c> per operation and <c>ping</c>/<c>pong</c>.
/// Every protocol violation closes the socket with the spec's code. Outgoing frames go through one queue
/// (one writer), so operations can push concurrently and a <c>next</c> never overtakes its <c>complete</c>.
/// Each operation runs in its own DI scope with the connection's tenant set.
/// </summary>
internal sealed class GraphQLWsConnection(
    HttpContext http,
    WebSocket socket,
    IOptions<GraphQLWebSocketOptions> options,
    TimeProvider clock,
    IGraphQLTextSerializer serializer,
    IDocumentExecuter executer,
    IServiceScopeFactory scopes,
    ILogger<GraphQLWsConnection> logger)
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(3);
    private const int TryAgainLater = 1013;

    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, Operation> _operations = new();
    private readonly CancellationTokenSource _reading = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
    private int _initReceived;
    private volatile bool _acknowledged;
    private int _closeRequested;
    private ClaimsPrincipal _user = new(new ClaimsIdentity());
    private ITimer? _expiry;

    public async Task RunAsync()
    {
        var writer = Task.Run(WriteLoopAsync);
        using var initTimer = clock.CreateTimer(_ =>
        {
            if (!_acknowledged) Close(GraphQLWsCloseCodes.ConnectionInitialisationTimeout, "Connection initialisation timeout");
        }, null, options.Value.ConnectionInitTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // the client went away, or did not answer our close in time
        }
        finally
        {
            _expiry?.Dispose();
            StopAllOperations();
            _outbox.Writer.TryComplete();
            try { await writer; }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
            _reading.Dispose();
        }
    }

    // ---- reading ----

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        while (true)
        {
            message.SetLength(0);
            ValueWebSocketReceiveResult received;
            var tooLarge = false;
            do
            {
                received = await socket.ReceiveAsync(buffer.AsMemory(), _reading.Token);
                if (received.MessageType == WebSocketMessageType.Close) return;
                if (message.Length + received.Count > options.Value.MaxMessageBytes) tooLarge = true;
                else message.Write(buffer, 0, received.Count);
            } while (!received.EndOfMessage);

            if (Volatile.Read(ref _closeRequested) != 0) continue; // draining until the client answers our close
            if (tooLarge)
                Close(GraphQLWsCloseCodes.BadRequest, $"Message is over {options.Value.MaxMessageBytes} bytes");
            else if (received.MessageType != WebSocketMessageType.Text)
                Close(GraphQLWsCloseCodes.BadRequest, "Invalid message received: binary frames are not supported");
            else
                await HandleAsync(message.GetBuffer().AsMemory(0, (int)message.Length));
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            Close(GraphQLWsCloseCodes.BadRequest, "Invalid message received: not JSON");
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                Close(GraphQLWsCloseCodes.BadRequest, "Invalid message received: no 'type'");
                return;
            }
            var payload = root.TryGetProperty("payload", out var p) ? p : default;
            switch (typeElement.GetString())
            {
                case "connection_init":
                    await OnConnectionInitAsync(payload);
                    break;
                case "ping":
                    Send(Message("pong", null, null));
                    break;
                case "pong":
                    break;
                case "subscribe":
                    OnSubscribe(root, payload);
                    break;
                case "complete":
                    if (!TryGetId(root, out var id)) return;
                    if (_operations.TryRemove(id, out var operation)) operation.Stop();
                    break;
                default:
                    Close(GraphQLWsCloseCodes.BadRequest, Truncate($"Invalid message received: unexpected type '{typeElement.GetString()}'"));
                    break;
            }
        }
    }

    private async Task OnConnectionInitAsync(JsonElement payload)
    {
        if (Interlocked.Exchange(ref _initReceived, 1) != 0)
        {
            Close(GraphQLWsCloseCodes.TooManyInitialisationRequests, "Too many initialisation requests");
            return;
        }
        if (payload.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            Close(GraphQLWsCloseCodes.BadRequest, "Invalid message received: connection_init payload must be an object");
            return;
        }
        bool allowed;
        try
        {
            allowed = await AuthenticateAsync(payload);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "GraphQL WebSocket authentication failed");
            allowed = false;
        }
        if (!allowed)
        {
            Close(GraphQLWsCloseCodes.Forbidden, "Forbidden");
            return;
        }
        if (await http.RequestServices.GetRequiredService<Protection.ApiRateLimiter>().CheckCallerAsync(_user) is { } retry)
        {
            // 1013 "try again later": graphql-ws clients reconnect with a back-off (4xxx codes are final for them)
            Close(TryAgainLater, $"Rate limited: retry in {retry} s");
            return;
        }
        _acknowledged = true;
        Send(Message("connection_ack", null, null));
    }

    /// <summary>
    /// The token of <c>connection_init</c> (<c>Authorization</c>/<c>authorization</c>: "Bearer …", or <c>token</c>)
    /// is validated by the same OpenIddict validation as HTTP: it is put on the upgrade request and the API's
    /// scheme authenticates it. Without a token, the upgrade request's own credential (the portal cookie) counts.
    /// Either way the caller must belong to the host's tenant (<see cref="SameTenantRequirement"/>).
    /// </summary>
    private async Task<bool> AuthenticateAsync(JsonElement payload)
    {
        string? token = null;
        var tokenGiven = false;
        if (payload.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in payload.EnumerateObject())
            {
                if (property.Name is not ("Authorization" or "authorization" or "token")) continue;
                tokenGiven = true;
                if (property.Value.ValueKind == JsonValueKind.String) token = property.Value.GetString();
            }
        }
        ClaimsPrincipal user;
        if (tokenGiven)
        {
            token = token?.Trim();
            if (token is not null && token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = token["Bearer ".Length..].Trim();
            if (string.IsNullOrEmpty(token)) return false;
            // a bearer header on the upgrade request was already validated (and cached) by the authentication
            // middleware: a different token in the payload would not be the one checked, so refuse the mix
            var upgradeHeader = http.Request.Headers.Authorization.ToString();
            if (upgradeHeader.Length > 0 && upgradeHeader != "Bearer " + token) return false;
            http.Request.Headers.Authorization = "Bearer " + token;
            var result = await http.AuthenticateAsync(ApiAuth.Scheme);
            if (!result.Succeeded) return false;
            user = result.Principal;
            // the socket lives no longer than its token: closed with 4403 when it expires (graphql-ws clients then
            // reconnect, with a fresh token if their connectionParams fetch one)
            if ((result.Properties?.ExpiresUtc ?? user.GetExpirationDate()) is { } expires)
            {
                var left = expires - clock.GetUtcNow();
                if (left <= TimeSpan.Zero) return false;
                _expiry = clock.CreateTimer(_ => Close(GraphQLWsCloseCodes.Forbidden, "Token expired"), null, left, Timeout.InfiniteTimeSpan);
            }
        }
        else user = http.User;

        var authorization = await http.RequestServices.GetRequiredService<IAuthorizationService>()
            .AuthorizeAsync(user, null, new SameTenantRequirement());
        if (!authorization.Succeeded) return false;
        await Web.Tenancy.AgencyActAs.AuditAsync(http, "graphql-ws connection_init", http.RequestAborted);
        _user = user;
        return true;
    }

    private void OnSubscribe(JsonElement root, JsonElement payload)
    {
        if (!_acknowledged)
        {
            Close(GraphQLWsCloseCodes.Unauthorized, "Unauthorized");
            return;
        }
        if (!TryGetId(root, out var id)) return;
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String)
        {
            Close(GraphQLWsCloseCodes.BadRequest, "Invalid message received: subscribe needs a payload with a 'query' string");
            return;
        }
        GraphQLRequest? request;
        try
        {
            request = serializer.Deserialize<GraphQLRequest>(payload.GetRawText());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            Close(GraphQLWsCloseCodes.BadRequest, Truncate("Invalid message received: " + e.Message));
            return;
        }
        var operation = new Operation(id);
        if (!_operations.TryAdd(id, operation))
        {
            Close(GraphQLWsCloseCodes.SubscriberAlreadyExists, Truncate($"Subscriber for {id} already exists"));
            return;
        }
        _ = Task.Run(() => ExecuteAsync(operation, request!));
    }

    private bool TryGetId(JsonElement root, out string id)
    {
        id = "";
        if (root.TryGetProperty("id", out var element) && element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } value)
        {
            id = value;
            return true;
        }
        Close(GraphQLWsCloseCodes.BadRequest, "Invalid message received: 'id' must be a non-empty string");
        return false;
    }

    // ---- operations ----

    private async Task ExecuteAsync(Operation operation, GraphQLRequest request)
    {
        // each operation on the socket counts against the caller's budget, as a request over HTTP does
        if (await http.RequestServices.GetRequiredService<Protection.ApiRateLimiter>().CheckCallerAsync(_user) is { } retry)
        {
            var errors = JsonSerializer.Serialize(new[]
            {
                new { message = $"Rate limit exceeded: retry in {retry} s.", extensions = new { code = "RATE_LIMITED", retryAfter = retry } },
            });
            Finish(operation, Message("error", operation.Id, errors), complete: false);
            return;
        }
        var scope = scopes.CreateAsyncScope();
        operation.Scope = scope;
        try
        {
            var connectionTenant = http.RequestServices.GetRequiredService<TenantContext>();
            var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
            if (connectionTenant.IsAdminHost) tenant.SetAdminHost();
            if (connectionTenant.Tenant is { } info) tenant.SetTenant(info);

            var result = await executer.ExecuteAsync(o =>
            {
                o.Schema = scope.ServiceProvider.GetRequiredService<ISchema>();
                o.Query = request.Query;
                o.OperationName = request.OperationName;
                o.Variables = request.Variables;
                o.Extensions = request.Extensions;
                o.RequestServices = scope.ServiceProvider;
                o.User = _user;
                o.CancellationToken = operation.Cancellation;
            });

            if (result.Streams is { Count: > 0 } streams)
            {
                // a subscription: one root field, one stream; its events are already executed results
                operation.Attach(streams.Values.First().Subscribe(new StreamObserver(this, operation)));
                return;
            }
            if (!result.Executed)
                Finish(operation, Message("error", operation.Id, ErrorsJson(result)), complete: false);
            else
                Finish(operation, Message("next", operation.Id, serializer.Serialize(result)), complete: true);
        }
        catch (OperationCanceledException) when (operation.Cancellation.IsCancellationRequested)
        {
            // the client completed it, or the socket closed
        }
        catch (Exception) when (operation.IsFinished)
        {
            // stopped while it ran (its scope is gone): nothing is sent for it any more
        }
        catch (Exception e)
        {
            logger.LogError(e, "GraphQL WebSocket operation failed");
            Finish(operation, Message("error", operation.Id, ErrorsJson(new ExecutionResult { Errors = [new ExecutionError("The operation failed.") { Code = "INTERNAL" }] })), complete: false);
        }
    }

    /// <summary>Ends an operation from the server side: its last message(s), then it is forgotten.</summary>
    private void Finish(Operation operation, string? last, bool complete)
    {
        if (!operation.TryFinish()) return;
        if (last is not null) Send(last);
        if (complete) Send(Message("complete", operation.Id, null));
        _operations.TryRemove(new KeyValuePair<string, Operation>(operation.Id, operation));
        operation.Stop();
    }

    private void StopAllOperations()
    {
        foreach (var id in _operations.Keys)
            if (_operations.TryRemove(id, out var operation)) operation.Stop();
    }

    private string ErrorsJson(ExecutionResult result)
    {
        using var document = JsonDocument.Parse(serializer.Serialize(new ExecutionResult { Errors = result.Errors ?? [] }));
        return document.RootElement.TryGetProperty("errors", out var errors) ? errors.GetRawText() : "[]";
    }

    private void SendNext(Operation operation, ExecutionResult result) => Send(Message("next", operation.Id, serializer.Serialize(result)));

    private void FailStream(Operation operation, Exception error)
    {
        var message = error is ExecutionError e ? e : new ExecutionError("The subscription failed.") { Code = "INTERNAL" };
        if (error is not ExecutionError) logger.LogError(error, "GraphQL subscription stream failed");
        Finish(operation, Message("error", operation.Id, ErrorsJson(new ExecutionResult { Errors = [message] })), complete: false);
    }

    private sealed class StreamObserver(GraphQLWsConnection connection, Operation operation) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value)
        {
            if (!operation.IsFinished) connection.SendNext(operation, value);
        }

        public void OnError(Exception error) => connection.FailStream(operation, error);

        public void OnCompleted() => connection.Finish(operation, null, complete: true);
    }

    private sealed class Operation(string id)
    {
        private readonly CancellationTokenSource _cancellation = new();
        private IDisposable? _subscription;
        private int _finished;
        private int _stopped;

        public string Id { get; } = id;
        public CancellationToken Cancellation => _cancellation.Token;
        public AsyncServiceScope? Scope { get; set; }
        public bool IsFinished => Volatile.Read(ref _finished) != 0;

        public bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;

        public void Attach(IDisposable subscription)
        {
            Interlocked.Exchange(ref _subscription, subscription);
            if (Volatile.Read(ref _stopped) != 0) Interlocked.Exchange(ref _subscription, null)?.Dispose();
        }

        /// <summary>Stops the operation: no more messages, the stream unsubscribed, its scope disposed.</summary>
        public void Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
            Interlocked.Exchange(ref _finished, 1);
            _cancellation.Cancel();
            Interlocked.Exchange(ref _subscription, null)?.Dispose();
            if (Scope is { } scope) _ = scope.DisposeAsync().AsTask();
        }
    }

    // ---- writing ----

    private abstract record Outgoing;
    private sealed record TextFrame(string Json) : Outgoing;
    private sealed record CloseFrame(int Code, string Reason) : Outgoing;

    private void Send(string json) => _outbox.Writer.TryWrite(new TextFrame(json));

    /// <summary>Closes the socket with a protocol code: stops every operation; the reader gives the client a grace period to answer.</summary>
    private void Close(int code, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0) return;
        _outbox.Writer.TryWrite(new CloseFrame(code, reason));
        _outbox.Writer.TryComplete();
        StopAllOperations();
        try { _reading.CancelAfter(CloseGrace); }
        catch (ObjectDisposedException) { }
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var frame in _outbox.Reader.ReadAllAsync())
        {
            if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
            switch (frame)
            {
                case TextFrame text:
                    await socket.SendAsync(Encoding.UTF8.GetBytes(text.Json), WebSocketMessageType.Text, true, http.RequestAborted);
                    break;
                case CloseFrame close:
                    await socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, close.Reason, http.RequestAborted);
                    return;
            }
        }
        // the client closed first: answer its close
        if (socket.State == WebSocketState.CloseReceived)
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, http.RequestAborted);
    }

    private static string Message(string type, string? id, string? payloadJson)
    {
        var json = new StringBuilder("{");
        if (id is not null) json.Append("\"id\":").Append(JsonSerializer.Serialize(id)).Append(',');
        json.Append("\"type\":\"").Append(type).Append('"');
        if (payloadJson is not null) json.Append(",\"payload\":").Append(payloadJson);
        return json.Append('}').ToString();
    }

    /// <summary>A close reason is at most 123 bytes.</summary>
    private static string Truncate(string reason)
    {
        while (Encoding.UTF8.GetByteCount(reason) > 123) reason = reason[..^1];
        return reason;
    }
}
