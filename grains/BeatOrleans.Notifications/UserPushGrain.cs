using BeatOrleans.Contracts.Notifications;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Notifications;

/// <summary>
/// Holds, in memory only, the observers of the API nodes that have a connection of this user: nodes refresh them
/// every minute, so after a silo restart they come back within one refresh. Producers call <see cref="Push"/> one-way;
/// a revoked session calls <see cref="EndSession"/>, so the nodes close the connections opened with it.
/// </summary>
internal sealed partial class UserPushGrain(TimeProvider clock, ILogger<UserPushGrain> logger) : Grain, IUserPushGrain
{
    /// <summary>Three missed refreshes of a node's one-minute cycle.</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(3);

    private readonly Dictionary<IPushObserver, DateTimeOffset> nodes = [];

    public Task Subscribe(IPushObserver node)
    {
        nodes[node] = clock.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IPushObserver node)
    {
        nodes.Remove(node);
        return Task.CompletedTask;
    }

    public Task Push(Push push) => ToEveryNode(node => node.Deliver(push));

    public Task EndSession(string sessionId) => ToEveryNode(node => node.SessionEnded(this.GetPrimaryKeyString(), sessionId));

    private async Task ToEveryNode(Func<IPushObserver, Task> call)
    {
        var horizon = clock.GetUtcNow() - Lapse;
        foreach (var lapsed in nodes.Where(n => n.Value < horizon).Select(n => n.Key).ToList())
        {
            nodes.Remove(lapsed);
        }

        await Task.WhenAll(nodes.Keys.ToList().Select(async node =>
        {
            try
            {
                await call(node);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // A node that is gone; it re-subscribes if it comes back.
                nodes.Remove(node);
                LogNodeGone(logger, exception);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a push observer that failed")]
    private static partial void LogNodeGone(ILogger logger, Exception exception);
}
