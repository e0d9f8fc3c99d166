using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using BeatOrleans.Contracts.Notifications;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.RealTime;

/// <summary>A raw WebSocket of the seed's clients: which stream it wants and how to send to it.</summary>
public sealed class SocketSink(WebSocket socket, bool wantsMessages) : IDisposable
{
    private readonly SemaphoreSlim sending = new(1, 1);

    public bool WantsMessages { get; } = wantsMessages;

    public async Task Send(byte[] frame)
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

    public void Dispose() => sending.Dispose();
}

/// <summary>
/// This node's end of live delivery. It registers one observer with the push grain of every user connected here
/// (refreshed every minute, dropped at the user's last disconnect) and hands each push to the user's SignalR
/// connections on this node and to their raw WebSockets. Another node with the same user does the same, so a
/// push reaches every connection of its user on any node, and no one else's.
/// </summary>
public sealed partial class PushRelay(
    IGrainFactory grains,
    IHubContext<MarketplaceHub> hub,
    IOptions<JsonOptions> json,
    ILogger<PushRelay> logger) : IPushObserver, IHostedService, IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, UserConnections> users = new(StringComparer.Ordinal);
    private IPushObserver? reference;
    private Timer? refresher;

    private IPushObserver Reference => reference ?? throw new InvalidOperationException("The push relay has not started.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        reference = grains.CreateObjectReference<IPushObserver>(this);
        refresher = new Timer(_ => _ = RefreshAll(), null, Refresh, Refresh);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The observer reference goes with the client; push grains forget it when a push to it fails or it lapses.
        if (refresher is not null)
        {
            await refresher.DisposeAsync();
        }
    }

    public void Dispose() => refresher?.Dispose();

    public async Task Connected(string userId, SocketSink? socket = null)
    {
        var connections = users.GetOrAdd(userId, _ => new UserConnections());
        var first = connections.Add(socket);
        if (first)
        {
            await grains.GetGrain<IUserPushGrain>(userId).Subscribe(Reference);
        }
    }

    public async Task Disconnected(string userId, SocketSink? socket = null)
    {
        if (users.TryGetValue(userId, out var connections) && connections.Remove(socket))
        {
            users.TryRemove(new KeyValuePair<string, UserConnections>(userId, connections));
            try
            {
                await grains.GetGrain<IUserPushGrain>(userId).Unsubscribe(Reference);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The registration lapses by itself within minutes.
                LogPushGrainUnreachable(logger, exception);
            }
        }
    }

    public async Task Deliver(Push push)
    {
        if (!users.TryGetValue(push.UserId, out var connections))
        {
            return;
        }

        var (method, payload) = push.Message is { } message
            ? ("ReceiveMessage", (object)RealTimeMessage.From(message))
            : ("ReceiveNotification", RealTimeNotification.From(push.Notification!));
        var client = hub.Clients.User(push.UserId).SendAsync(method, payload);
        var frame = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), json.Value.SerializerOptions);
        var sockets = connections.Sockets(wantsMessages: push.Message is not null).Select(s => s.Send(frame));
        await Task.WhenAll([client, .. sockets]);
    }

    private async Task RefreshAll()
    {
        foreach (var userId in users.Keys)
        {
            try
            {
                await grains.GetGrain<IUserPushGrain>(userId).Subscribe(Reference);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogPushGrainUnreachable(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A push grain could not be reached")]
    private static partial void LogPushGrainUnreachable(ILogger logger, Exception exception);

    /// <summary>A user's SignalR connection count and raw sockets on this node.</summary>
    private sealed class UserConnections
    {
        private readonly Lock gate = new();
        private readonly List<SocketSink> sockets = [];
        private int hubConnections;

        /// <summary>True for the user's first connection on this node.</summary>
        public bool Add(SocketSink? socket)
        {
            lock (gate)
            {
                var first = hubConnections == 0 && sockets.Count == 0;
                if (socket is null)
                {
                    hubConnections++;
                }
                else
                {
                    sockets.Add(socket);
                }

                return first;
            }
        }

        /// <summary>True when that was the user's last connection on this node.</summary>
        public bool Remove(SocketSink? socket)
        {
            lock (gate)
            {
                if (socket is null)
                {
                    hubConnections = Math.Max(0, hubConnections - 1);
                }
                else
                {
                    sockets.Remove(socket);
                }

                return hubConnections == 0 && sockets.Count == 0;
            }
        }

        public List<SocketSink> Sockets(bool wantsMessages)
        {
            lock (gate)
            {
                return [.. sockets.Where(s => s.WantsMessages == wantsMessages)];
            }
        }
    }
}
