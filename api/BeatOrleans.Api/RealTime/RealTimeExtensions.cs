using System.Net.WebSockets;
using BeatOrleans.Api.Auth;
using Microsoft.AspNetCore.SignalR;

namespace BeatOrleans.Api.RealTime;

public static class RealTimeExtensions
{
    /// <summary>The largest frame a client may send: a message of 4000 characters fits with room to spare.</summary>
    public const long MaxIncomingFrameBytes = 32 * 1024;

    private const string HubPath = "/hubs/marketplace";

    private const string WebSocketRequired = "A WebSocket upgrade is required.";

    public static WebApplicationBuilder AddMarketplaceRealTime(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = MaxIncomingFrameBytes;
            o.EnableDetailedErrors = false;
            o.AddFilter<HubFailures>();
        }).AddJsonProtocol(o => ApiConventions.Configure(o.PayloadSerializerOptions));
        builder.Logging.AddFilter(HubFailures.DispatcherCategory, LogLevel.Critical);
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddOptions<RealTimeOptions>()
            .Bind(builder.Configuration.GetSection(RealTimeOptions.Section))
            .Validate(o => o.SessionCheckInterval >= TimeSpan.FromSeconds(1) && o.SessionCheckInterval <= TimeSpan.FromMinutes(5),
                $"{RealTimeOptions.Section}:SessionCheckInterval must be between 1 second and 5 minutes.")
            .Validate(o => o.UncheckedSessionLimit >= o.SessionCheckInterval && o.UncheckedSessionLimit <= TimeSpan.FromMinutes(15),
                $"{RealTimeOptions.Section}:UncheckedSessionLimit must be at least SessionCheckInterval and at most 15 minutes (an access token's longest life).")
            .Validate(o => o.MaxConnectionsPerUser is >= 1 and <= 1000,
                $"{RealTimeOptions.Section}:MaxConnectionsPerUser must be between 1 and 1000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PushRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PushRelay>());
        builder.Services.AddHostedService<SessionWatch>();
        return builder;
    }

    /// <summary>The SignalR hub and the seed's plain WebSocket endpoints; all need a caller (token in ?access_token=).</summary>
    public static WebApplication MapMarketplaceRealTime(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        // WebSockets only. Long polling and server-sent events carry a connection over many requests that name it by
        // its token in the URL, and ASP.NET Core runs them as whoever the connection's last poll was (it logs a user
        // change, it does not refuse it): another user holding the token could send as its owner and read its pushes.
        // Over a WebSocket the connection is the one authenticated request.
        // A request on the hub's path that is not the WebSocket itself would only be another transport's poll or
        // send: a send before the owner connects would still reach the connection's input, so none gets that far.
        // Routing matches paths in any case and with a final '/', so the guard does too. A user at the limit of live
        // connections is refused before the upgrade, as the raw WebSockets are.
        app.Use((http, next) =>
        {
            if (!IsHubTransportRequest(http.Request))
            {
                return next(http);
            }

            if (!http.WebSockets.IsWebSocketRequest)
            {
                return Refusals.Problem(StatusCodes.Status400BadRequest, WebSocketRequired).ExecuteAsync(http);
            }

            return http.User.Identity?.IsAuthenticated == true
                && http.RequestServices.GetRequiredService<PushRelay>().IsFull(http.User.UserId())
                ? TooManyConnections().ExecuteAsync(http)
                : next(http);
        });
        app.MapHub<MarketplaceHub>(HubPath,
            o => o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets);
        app.Map("/ws/chat/{user_id}",
            (string user_id, HttpContext http, PushRelay relay, IHostApplicationLifetime lifetime) =>
                Stream(user_id, wantsMessages: true, http, relay, lifetime));
        app.Map("/ws/notifications/{user_id}",
            (string user_id, HttpContext http, PushRelay relay, IHostApplicationLifetime lifetime) =>
                Stream(user_id, wantsMessages: false, http, relay, lifetime));
        return app;
    }

    /// <summary>A request for the hub's connection itself (anything under its path but the negotiation).</summary>
    private static bool IsHubTransportRequest(HttpRequest request) =>
        request.Path.StartsWithSegments(HubPath, StringComparison.OrdinalIgnoreCase, out var rest)
        && !(HttpMethods.IsPost(request.Method)
            && rest.Value?.TrimEnd('/').Equals("/negotiate", StringComparison.OrdinalIgnoreCase) == true);

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Stream(
        string userId, bool wantsMessages, HttpContext http, PushRelay relay, IHostApplicationLifetime lifetime)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return Refusals.Problem(StatusCodes.Status400BadRequest, WebSocketRequired);
        }

        if (userId != http.User.UserId())
        {
            return Refusals.Forbidden("The token's user must be the user of the path.");
        }

        if (relay.IsFull(userId))
        {
            return TooManyConnections();
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var sink = new SocketSink(socket, wantsMessages, http.User.SessionId());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, sink.Ended);
        using var stopping = lifetime.ApplicationStopping.Register(sink.CloseForShutdown);
        var registered = false;
        try
        {
            registered = await relay.Connected(userId, sink);
            if (!registered)
            {
                // Another connection took the last place between the check and here.
                await sink.CloseForTooManyConnections();
                return TypedResults.Empty;
            }

            // The seed's clients only listen; anything they send is read and dropped, up to a close, and a message
            // larger than the hub takes ends the socket. After the server's own close (the session ended) the loop
            // waits for the client's answer, or for sink.Ended.
            var buffer = new byte[4096];
            long messageBytes = 0;
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var received = await socket.ReceiveAsync(buffer, stop.Token);
                if (received.MessageType == WebSocketMessageType.Close && socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    continue;
                }

                messageBytes = received.EndOfMessage ? 0 : messageBytes + received.Count;
                if (messageBytes > MaxIncomingFrameBytes && socket.State == WebSocketState.Open)
                {
                    sink.CloseForTooLargeMessage();
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            if (registered)
            {
                await relay.Disconnected(userId, sink);
            }
        }

        return TypedResults.Empty;
    }

    internal static ProblemHttpResult TooManyConnections() => Refusals.Problem(StatusCodes.Status429TooManyRequests,
        "Too many live connections.", "Close another tab or device's live connection first.");
}
