using BeatOrleans.Contracts.Notifications;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Notifications;

/// <summary>
/// Holds, in memory only, the observers of the API nodes that have a connection of this user: nodes refresh them
/// every minute, so after a silo restart they come back within one refresh. Producers call <see cref="Push"/> one-way;
/// a revoked session calls <see cref="EndSession"/>, so the nodes close the connections opened with it.
/// </summary>
/// <remarks>
/// A push is queued for each node and the call returns. Each node has at most one call in flight; whatever was
/// queued meanwhile goes out in the next call, in order. A user receiving hundreds of pushes a second thus costs
/// a node call per batch, where awaiting every push's round trip made this grain the user's serial point (the chat
/// benchmark with two conversations at 400 messages a second each: p50 4.2 s).
/// </remarks>
internal sealed partial class UserPushGrain(TimeProvider clock, ILogger<UserPushGrain> logger) : Grain, IUserPushGrain
{
    /// <summary>Three missed refreshes of a node's one-minute cycle.</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(3);

    /// <summary>The most pushes one node call carries.</summary>
    public const int MaxBatch = 256;

    /// <summary>The most pushes queued for one node; beyond it the oldest are dropped (best effort).</summary>
    public const int MaxQueued = 10_000;

    private readonly Dictionary<IPushObserver, Node> nodes = [];

    public Task Subscribe(IPushObserver node)
    {
        if (nodes.TryGetValue(node, out var known))
        {
            known.Seen = clock.GetUtcNow();
        }
        else
        {
            nodes[node] = new Node(node, clock.GetUtcNow());
        }

        return Task.CompletedTask;
    }

    public Task Unsubscribe(IPushObserver node)
    {
        if (nodes.Remove(node, out var gone))
        {
            gone.Queued.Clear();
        }

        return Task.CompletedTask;
    }

    public Task Push(Push push)
    {
        Enqueue([push]);
        return Task.CompletedTask;
    }

    public Task PushAll(IReadOnlyList<Push> pushes)
    {
        Enqueue(pushes);
        return Task.CompletedTask;
    }

    public async Task EndSession(string sessionId)
    {
        DropLapsed();
        await Task.WhenAll(nodes.Values.ToList().Select(async node =>
        {
            try
            {
                await node.Observer.SessionEnded(this.GetPrimaryKeyString(), sessionId);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Forget(node, exception);
            }
        }));
    }

    private void Enqueue(IReadOnlyList<Push> pushes)
    {
        if (pushes.Count == 0)
        {
            return;
        }

        DropLapsed();
        foreach (var node in nodes.Values)
        {
            node.Queued.AddRange(pushes);
            if (node.Queued.Count > MaxQueued)
            {
                var dropped = node.Queued.Count - MaxQueued;
                node.Queued.RemoveRange(0, dropped);
                LogDropped(logger, dropped, this.GetPrimaryKeyString());
            }

            if (node.Sending is not { IsCompleted: false })
            {
                node.Sending = Send(node);
            }
        }
    }

    /// <summary>Sends a node what is queued for it, a batch per call, until nothing is left or it fails.</summary>
    private async Task Send(Node node)
    {
        while (node.Queued.Count > 0)
        {
            var batch = node.Queued.GetRange(0, Math.Min(MaxBatch, node.Queued.Count));
            node.Queued.RemoveRange(0, batch.Count);
            try
            {
                await (batch.Count == 1 ? node.Observer.Deliver(batch[0]) : node.Observer.DeliverAll(batch));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Forget(node, exception);
                return;
            }
        }
    }

    private void DropLapsed()
    {
        var horizon = clock.GetUtcNow() - Lapse;
        foreach (var lapsed in nodes.Values.Where(n => n.Seen < horizon).ToList())
        {
            nodes.Remove(lapsed.Observer);
            lapsed.Queued.Clear();
        }
    }

    /// <summary>A node that failed a call is gone; it subscribes again if it comes back.</summary>
    private void Forget(Node node, Exception exception)
    {
        if (nodes.TryGetValue(node.Observer, out var current) && current == node)
        {
            nodes.Remove(node.Observer);
        }

        node.Queued.Clear();
        LogNodeGone(logger, exception);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a push observer that failed")]
    private static partial void LogNodeGone(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Dropped {Count} live pushes of user {UserId}: a node fell too far behind")]
    private static partial void LogDropped(ILogger logger, int count, string userId);

    /// <summary>A node's observer, when it last subscribed, and what waits to be sent to it.</summary>
    private sealed class Node(IPushObserver observer, DateTimeOffset seen)
    {
        public IPushObserver Observer { get; } = observer;

        public DateTimeOffset Seen { get; set; } = seen;

        public List<Push> Queued { get; } = [];

        public Task? Sending { get; set; }
    }
}
