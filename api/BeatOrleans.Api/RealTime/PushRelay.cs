using System.Collections.Concurrent;
using System.Text.Json;
using BeatOrleans.Api.Telemetry;
using BeatOrleans.Contracts.Notifications;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.RealTime;

/// <summary>
/// This node's end of live delivery. It registers one observer with the push grain of every user connected here
/// (refreshed every minute, dropped at the user's last disconnect) and hands each push to the user's SignalR
/// connections on this node and to their raw WebSockets. Another node with the same user does the same, so a
/// push reaches every connection of its user on any node, and no one else's. The same observer hears when one of
/// the user's sessions is revoked and ends the connections opened with it.
/// </summary>
public sealed partial class PushRelay(
    IGrainFactory grains,
    IHubContext<MarketplaceHub> hub,
    IOptions<JsonOptions> json,
    IOptions<RealTimeOptions> options,
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

    /// <summary>
    /// Registers a connection that has just been authorised. Once the push grain knows this node, a revocation
    /// reaches the connection; one that passed before then (between the token's check and here) is caught by
    /// asking the session once more, so no connection outlives its session until the periodic check.
    /// </summary>
    /// <returns>False, and nothing registered, when the user has <see cref="RealTimeOptions.MaxConnectionsPerUser"/>
    /// connections on this node already.</returns>
    public async Task<bool> Connected(string userId, ILiveConnection connection)
    {
        while (true)
        {
            var connections = users.GetOrAdd(userId, id => new UserConnections(() => grains.GetGrain<IUserPushGrain>(id).Subscribe(Reference)));
            var added = connections.TryAdd(connection, options.Value.MaxConnectionsPerUser);
            if (added == UserConnections.AddOutcome.Full)
            {
                return false;
            }

            if (added == UserConnections.AddOutcome.Added)
            {
                try
                {
                    await connections.Subscribed;
                    await EndIfSessionOver(userId, connections, connection);
                }
                catch
                {
                    // Not registered after all: its place is free again, whoever handles the failure.
                    await Disconnected(userId, connection);
                    throw;
                }

                return true;
            }

            // The user's last connection here left meanwhile; that set is on its way out, so start a new one.
            users.TryRemove(new KeyValuePair<string, UserConnections>(userId, connections));
        }
    }

    /// <summary>Whether a new connection of the user would be refused here (checked again when it registers).</summary>
    public bool IsFull(string userId) =>
        users.TryGetValue(userId, out var connections) && connections.IsFull(options.Value.MaxConnectionsPerUser);

    public async Task Disconnected(string userId, ILiveConnection connection)
    {
        if (users.TryGetValue(userId, out var connections) && connections.Remove(connection))
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

    /// <summary>Queues the push for its user's connections here and returns; see <see cref="IPushObserver"/>.</summary>
    public Task Deliver(Push push) => DeliverAll([push]);

    /// <summary>Queues pushes for their users' connections here, in order, and returns.</summary>
    public Task DeliverAll(IReadOnlyList<Push> pushes)
    {
        foreach (var user in pushes.GroupBy(p => p.UserId, StringComparer.Ordinal))
        {
            if (users.TryGetValue(user.Key, out var connections))
            {
                List<Push> own = [.. user];
                _ = connections.Then(() => Send(connections, own));
            }
        }

        return Task.CompletedTask;
    }

    private async Task Send(UserConnections connections, IReadOnlyList<Push> pushes)
    {
        foreach (var push in pushes)
        {
            try
            {
                var (method, payload) = push.Message is { } message
                    ? ("ReceiveMessage", (object)RealTimeMessage.From(message))
                    : ("ReceiveNotification", RealTimeNotification.From(push.Notification!));

                // The relay's own list, not Clients.User: a connection whose session ended gets nothing more, even
                // while SignalR is still tearing it down.
                var client = hub.Clients.Clients(connections.HubConnectionIds()).SendAsync(method, payload);
                var sockets = connections.Sockets(wantsMessages: push.Message is not null);
                if (sockets.Count > 0)
                {
                    var frame = JsonSerializer.SerializeToUtf8Bytes(
                        payload, payload.GetType(), json.Value.SerializerOptions);
                    await Task.WhenAll([client, .. sockets.Select(s => s.Send(frame))]);
                }
                else
                {
                    await client;
                }

                // Clocks of the processes involved: on one machine exact, across machines as good as their time sync.
                ApiMetrics.Pushed(push.Message is not null ? "message" : "notification",
                    push.Message?.SentAt ?? push.Notification!.CreatedAt, DateTimeOffset.UtcNow);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Best effort: the client reads what it missed from the REST endpoints.
                LogPushFailed(logger, exception, push.UserId);
            }
        }
    }

    /// <summary>The session grain revoked a session of this user (logout, refresh-token reuse).</summary>
    public Task SessionEnded(string userId, string sessionId)
    {
        EndSession(userId, sessionId);
        return Task.CompletedTask;
    }

    /// <summary>Closes this node's connections of a session that is over; their disconnects then remove them.</summary>
    public void EndSession(string userId, string sessionId)
    {
        if (!users.TryGetValue(userId, out var connections))
        {
            return;
        }

        var ending = connections.EndSession(sessionId);
        foreach (var connection in ending)
        {
            connection.CloseForEndedSession();
        }

        if (ending.Count > 0)
        {
            LogSessionEnded(logger, ending.Count, userId);
        }
    }

    private async Task EndIfSessionOver(string userId, UserConnections connections, ILiveConnection connection)
    {
        // Unknown is left to the periodic session check, which asks again.
        var verdict = await SessionCheck.Of(grains, userId, connection.SessionId, logger);
        if (verdict == SessionVerdict.Over && connections.End(connection))
        {
            connection.CloseForEndedSession();
            LogSessionEnded(logger, 1, userId);
        }
    }

    /// <summary>Every session with a live connection on this node, with its user.</summary>
    public IReadOnlyList<(string UserId, string SessionId)> OpenSessions() =>
        [.. users.SelectMany(u => u.Value.SessionIds().Select(sessionId => (u.Key, sessionId)))];

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live push to user {UserId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A push grain could not be reached")]
    private static partial void LogPushGrainUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} live connections of user {UserId}: their session has ended")]
    private static partial void LogSessionEnded(ILogger logger, int count, string userId);
}
