using System.Net.WebSockets;
using BeatOrleans.Api.Auth;
using Microsoft.AspNetCore.SignalR;

namespace BeatOrleans.Api.RealTime;

/// <summary>A live connection as the push relay holds it: the session its token named, and how to end it.</summary>
public interface ILiveConnection
{
    /// <summary>The session whose access token opened the connection; revoking that session ends it.</summary>
    string SessionId { get; }

    /// <summary>Closes the connection because its session has ended; returns without waiting for the close.</summary>
    void CloseForEndedSession();
}

/// <summary>A SignalR connection of /hubs/marketplace.</summary>
public sealed class HubLink(HubCallerContext context) : ILiveConnection
{
    public string ConnectionId => context.ConnectionId;

    public string SessionId { get; } = context.User!.SessionId();

    public void CloseForEndedSession() => context.Abort();
}

/// <summary>A raw WebSocket of the seed's clients: which stream it wants, how to send to it and how to end it.</summary>
public sealed class SocketSink(WebSocket socket, bool wantsMessages, string sessionId) : ILiveConnection, IDisposable
{
    /// <summary>How long a client has to answer our close before the socket is dropped.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly CancellationTokenSource ended = new();

    public bool WantsMessages { get; } = wantsMessages;

    public string SessionId { get; } = sessionId;

    /// <summary>Cancelled once an ended socket's client has had its chance to answer the close.</summary>
    public CancellationToken Ended => ended.Token;

    public async Task Send(byte[] frame)
    {
        try
        {
            await sending.WaitAsync();
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }
            }
            finally
            {
                sending.Release();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
            // The socket went away meanwhile; its receive loop takes it out of the relay. A failure here must not
            // fail the node's whole delivery, or the push grain would drop the node.
        }
    }

    public void CloseForEndedSession() => _ = Close(WebSocketCloseStatus.PolicyViolation, "session ended", CloseGrace);

    /// <summary>The client sent a message larger than any this socket reads (it reads none): 1009.</summary>
    public void CloseForTooLargeMessage() =>
        _ = Close(WebSocketCloseStatus.MessageTooBig, "this socket does not read messages", CloseGrace);

    /// <summary>The user has as many live connections on this node as one may: 1008.</summary>
    public Task CloseForTooManyConnections() =>
        Close(WebSocketCloseStatus.PolicyViolation, "too many live connections", CloseGrace);

    /// <summary>
    /// The node is stopping: 1001 (going away), so the client reconnects, to another node if there is one, and the
    /// stop need not wait out its timeout for a socket that would stay open.
    /// </summary>
    public void CloseForShutdown() =>
        _ = Close(WebSocketCloseStatus.EndpointUnavailable, "server restarting", ShutdownGrace);

    /// <summary>How long a client has to answer the close of a stopping node.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);

    private async Task Close(WebSocketCloseStatus status, string reason, TimeSpan grace)
    {
        try
        {
            await sending.WaitAsync();
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    // 1008 for an ended session: the connection itself is fine, but what authorised it no longer holds.
                    using var patience = new CancellationTokenSource(grace);
                    await socket.CloseOutputAsync(status, reason, patience.Token);
                }
            }
            finally
            {
                sending.Release();
            }

            ended.CancelAfter(grace);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket closed or was dropped meanwhile.
        }
    }

    public void Dispose()
    {
        sending.Dispose();
        ended.Dispose();
    }
}
