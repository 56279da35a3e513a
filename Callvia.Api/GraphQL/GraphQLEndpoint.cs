using Callvia.Web;
using System.Net;
using Callvia.Api.Auth;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Api.GraphQL;

/// <summary>
/// GraphQL over HTTP: <c>POST /graphql</c> (application/json) and <c>GET /graphql</c> for queries.
/// Authentication and the tenant check are done here (not by the fallback policy) so that refusals
/// come back in GraphQL's own error shape with <c>extensions.code</c>.
/// </summary>
public static class GraphQLEndpoint
{
    private const long MaxBodyBytes = 256 * 1024;

    public static void MapGraphQLEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/graphql", PostAsync).AllowAnonymous(); // over MaxBodyBytes: 413 here; Kestrel stops at the 1 MB default
        app.MapGet("/graphql", GetAsync).AllowAnonymous();
    }

    private static async Task PostAsync(HttpContext http, IGraphQLTextSerializer serializer)
    {
        if (!(http.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(http, serializer, HttpStatusCode.UnsupportedMediaType, "Send the request as application/json.", "BAD_REQUEST");
            return;
        }
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            await WriteErrorAsync(http, serializer, HttpStatusCode.RequestEntityTooLarge, $"The request body is over {MaxBodyBytes} bytes.", "BAD_REQUEST");
            return;
        }
        GraphQLRequest? request;
        try
        {
            request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            // InvalidOperationException: System.Text.Json reading a string with an unpaired surrogate escape ("\ud800")
            await WriteErrorAsync(http, serializer, HttpStatusCode.BadRequest, "The request body is not valid JSON: " + e.Message, "BAD_REQUEST");
            return;
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel: a bad chunk, a body over the limit, a body that stalled
            await WriteErrorAsync(http, serializer, (HttpStatusCode)e.StatusCode, "The request body could not be read: " + e.Message, "BAD_REQUEST");
            return;
        }
        await ExecuteAsync(http, serializer, request, allowMutations: true);
    }

    private static async Task GetAsync(HttpContext http, IGraphQLTextSerializer serializer)
    {
        if (http.WebSockets.IsWebSocketRequest)
        {
            // a connection attempt counts against the IP's budget like a request (before the upgrade: a plain 429);
            // the caller's budget is checked at connection_init and for every operation on the socket
            if (await http.RequestServices.GetRequiredService<Protection.ApiRateLimiter>().CheckIpAsync(http) is { } retry)
            {
                await WriteRateLimitedAsync(http, serializer, retry);
                return;
            }
            await WebSockets.GraphQLWebSocketEndpoint.HandleAsync(http);
            return;
        }
        var q = http.Request.Query;
        var problem = ReadJsonObject(serializer, q["variables"], "variables", out var variables);
        Inputs? extensions = null;
        problem ??= ReadJsonObject(serializer, q["extensions"], "extensions", out extensions);
        if (problem is not null)
        {
            await WriteErrorAsync(http, serializer, HttpStatusCode.BadRequest, problem, "BAD_REQUEST");
            return;
        }
        var request = new GraphQLRequest { Query = q["query"], OperationName = q["operationName"], Variables = variables, Extensions = extensions };
        await ExecuteAsync(http, serializer, request, allowMutations: false);
    }

    private static async Task ExecuteAsync(HttpContext http, IGraphQLTextSerializer serializer, GraphQLRequest? request, bool allowMutations)
    {
        var limiter = http.RequestServices.GetRequiredService<Protection.ApiRateLimiter>();
        if (await limiter.CheckIpAsync(http) is { } ipRetry)
        {
            await WriteRateLimitedAsync(http, serializer, ipRetry);
            return;
        }
        var auth = await http.RequestServices.GetRequiredService<IAuthorizationService>()
            .AuthorizeAsync(await AuthenticateAsync(http), null, new Web.Tenancy.SameTenantRequirement());
        if (!auth.Succeeded)
        {
            var signedIn = http.User.Identity?.IsAuthenticated == true;
            await WriteErrorAsync(http, serializer,
                signedIn ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized,
                signedIn ? auth.Failure?.FailureReasons.FirstOrDefault()?.Message ?? "This credential does not belong to this host's client."
                    : "Authentication is required: send a bearer token or sign in.",
                signedIn ? "FORBIDDEN" : "UNAUTHENTICATED");
            return;
        }
        if (await limiter.CheckCallerAsync(http.User) is { } retry)
        {
            await WriteRateLimitedAsync(http, serializer, retry);
            return;
        }
        if (string.IsNullOrWhiteSpace(request?.Query))
        {
            await WriteErrorAsync(http, serializer, HttpStatusCode.BadRequest, "The request has no query.", "BAD_REQUEST");
            return;
        }

        // an agency principal acting inside this client: who, which client, which operation
        if (Web.Tenancy.AgencyActAs.IsActing(http))
            await Web.Tenancy.AgencyActAs.AuditAsync(http, "graphql " + Describe(request), http.RequestAborted);

        // one connection for the whole operation: the tenant settings are written once, not before every resolver's query
        var db = http.RequestServices.GetRequiredService<Core.Data.CallviaDbContext>().Database;
        await db.OpenConnectionAsync(http.RequestAborted);
        await using var close = new CloseConnection(db);
        var result = await http.RequestServices.GetRequiredService<IDocumentExecuter>().ExecuteAsync(o =>
        {
            o.Schema = http.RequestServices.GetRequiredService<ISchema>();
            o.Query = request.Query;
            o.OperationName = request.OperationName;
            o.Variables = request.Variables;
            o.Extensions = request.Extensions;
            o.RequestServices = http.RequestServices;
            o.User = http.User;
            o.CancellationToken = http.RequestAborted;
            o.ValidationRules = allowMutations
                ? DocumentValidator.CoreRules.Append(new NoSubscriptionsRule())
                : DocumentValidator.CoreRules.Append(new NoSubscriptionsRule()).Append(new GetOnlyQueriesRule());
        });
        // A document that does not parse or validate, or variables that do not coerce, never executed: 400 for
        // application/graphql-response+json; application/json keeps 200 for any well-formed request (the spec's rule
        // for clients that only read the body).
        var mediaType = ResponseMediaType(http);
        http.Response.StatusCode = result.Executed || mediaType == Json ? 200 : 400;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    /// <summary>
    /// "mutation Name { rootField other }": what an operation does, for the audit log, without its arguments (a document
    /// may carry a secret inline, e.g. setProviderSecrets).
    /// </summary>
    private static string Describe(GraphQLRequest request)
    {
        try
        {
            var document = GraphQLParser.Parser.Parse(request.Query!);
            var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
            var operation = operations.FirstOrDefault(o => o.Name is { } n && n.StringValue == request.OperationName) ?? operations.FirstOrDefault();
            if (operation is null) return "(no operation)";
            var fields = operation.SelectionSet.Selections.Select(s => s switch
            {
                GraphQLField f => f.Name.StringValue,
                GraphQLFragmentSpread f => "..." + f.FragmentName.Name.StringValue,
                _ => "...",
            });
            var kind = operation.Operation.ToString().ToLowerInvariant();
            return $"{kind}{(operation.Name is { } name ? " " + name.StringValue : "")} {{ {string.Join(" ", fields)} }}";
        }
        catch (Exception e) when (e is not OperationCanceledException) // syntax error, too deep: execution will say so
        {
            return "(a document that does not parse)";
        }
    }

    private static async Task<System.Security.Claims.ClaimsPrincipal> AuthenticateAsync(HttpContext http)
    {
        var result = await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.AuthenticateAsync(http, ApiAuth.Scheme);
        if (result.Succeeded) http.User = result.Principal;
        return http.User;
    }

    private static Task WriteRateLimitedAsync(HttpContext http, IGraphQLTextSerializer serializer, int retryAfterSeconds)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteErrorAsync(http, serializer, HttpStatusCode.TooManyRequests,
            $"Too many requests: try again in {retryAfterSeconds} s.", "RATE_LIMITED");
    }

    private static Task WriteErrorAsync(HttpContext http, IGraphQLTextSerializer serializer, HttpStatusCode status, string message, string code)
    {
        http.Response.StatusCode = (int)status;
        http.Response.ContentType = ResponseMediaType(http) + "; charset=utf-8";
        var result = new ExecutionResult { Errors = [new ExecutionError(message) { Code = code }] };
        return serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private const string Json = "application/json";
    private const string GraphQLResponseJson = "application/graphql-response+json";

    /// <summary>
    /// GraphQL over HTTP's media types: application/graphql-response+json only when the Accept header asks for it at
    /// least as much as for application/json; application/json for application/json, */*, no Accept, or anything else
    /// (the spec allows answering application/json rather than 406).
    /// </summary>
    private static string ResponseMediaType(HttpContext http)
    {
        double json = 0, graphql = 0;
        foreach (var value in http.Request.Headers.Accept)
        {
            if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(value?.Split(','), out var types)) continue;
            foreach (var type in types)
            {
                var q = type.Quality ?? 1;
                if (type.MediaType.Equals(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase)) graphql = Math.Max(graphql, q);
                else if (type.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase)) json = Math.Max(json, q);
            }
        }
        return graphql > 0 && graphql >= json ? GraphQLResponseJson : Json;
    }

    /// <summary>A query-string parameter that must be a JSON object (or absent): the problem, or null.</summary>
    private static string? ReadJsonObject(IGraphQLTextSerializer serializer, string? text, string name, out Inputs? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text)) return null;
        if (!text.TrimStart().StartsWith('{'))
            return $"The '{name}' parameter must be a JSON object.";
        try
        {
            value = serializer.Deserialize<Inputs>(text);
            return null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return $"The '{name}' parameter is not valid JSON: {e.Message}";
        }
    }

    private sealed class CloseConnection(Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await db.CloseConnectionAsync();
    }

    /// <summary>Subscriptions need the WebSocket transport (graphql-transport-ws at the same path).</summary>
    private sealed class NoSubscriptionsRule : ValidationRuleBase
    {
        public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
            new(context.Operation.Operation != OperationType.Subscription ? null
                : new MatchingNodeVisitor<GraphQLOperationDefinition>((op, ctx) =>
                    ctx.ReportError(new ValidationError("Subscriptions are served over WebSocket only: connect to /graphql with the graphql-transport-ws subprotocol."))));
    }

    /// <summary>GET may not change anything: mutations only over POST.</summary>
    private sealed class GetOnlyQueriesRule : ValidationRuleBase
    {
        public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
            new(context.Operation.Operation == OperationType.Query ? null
                : new MatchingNodeVisitor<GraphQLOperationDefinition>((op, ctx) =>
                    ctx.ReportError(new ValidationError("Only queries may be sent with GET; use POST."))));
    }
}
