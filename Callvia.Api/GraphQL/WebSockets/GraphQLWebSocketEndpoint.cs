using System.Net.WebSockets;
using Microsoft.Extensions.Options;

namespace Callvia.Api.GraphQL.WebSockets;

/// <summary>Settings of the WebSocket transport (section <c>GraphQL</c>).</summary>
public sealed class GraphQLWebSocketOptions
{
    /// <summary>How long a new socket may wait before <c>connection_init</c> is acknowledged (else close 4408).</summary>
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest message a client may send.</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;
}

/// <summary>The close codes of <c>graphql-transport-ws</c> (enisdenjo/graphql-ws PROTOCOL.md).</summary>
public static class GraphQLWsCloseCodes
{
    public const int BadRequest = 4400;
    public const int Unauthorized = 4401;
    public const int Forbidden = 4403;
    public const int SubprotocolNotAcceptable = 4406;
    public const int ConnectionInitialisationTimeout = 4408;
    public const int SubscriberAlreadyExists = 4409;
    public const int TooManyInitialisationRequests = 4429;
}

/// <summary>
/// GraphQL over WebSocket at <c>/graphql</c> (the GET endpoint hands upgrade requests here), speaking
/// <c>graphql-transport-ws</c>. The tenant comes from the host, as for HTTP; the credential comes in
/// <c>connection_init</c> (or is the portal cookie of the upgrade request).
/// </summary>
public static class GraphQLWebSocketEndpoint
{
    public const string Subprotocol = "graphql-transport-ws";

    public static IServiceCollection AddGraphQLWebSockets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GraphQLWebSocketOptions>().Bind(configuration.GetSection("GraphQL"))
            .Validate(o => o.ConnectionInitTimeout > TimeSpan.Zero, "GraphQL:ConnectionInitTimeout must be positive.")
            .Validate(o => o.MaxMessageBytes > 0, "GraphQL:MaxMessageBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<Kpis.KpiUpdates>();
        services.AddSingleton<Leads.LeadImportProgress>();
        return services;
    }

    public static async Task HandleAsync(HttpContext http)
    {
        var acceptable = http.WebSockets.WebSocketRequestedProtocols.Contains(Subprotocol);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(acceptable ? Subprotocol : null);
        if (!acceptable)
        {
            // as graphql-ws does: accept, then close with 4406 so the client learns why
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseAsync((WebSocketCloseStatus)GraphQLWsCloseCodes.SubprotocolNotAcceptable, "Subprotocol not acceptable", grace.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
            return;
        }
        var connection = ActivatorUtilities.CreateInstance<GraphQLWsConnection>(http.RequestServices, http, socket);
        await connection.RunAsync();
    }
}
