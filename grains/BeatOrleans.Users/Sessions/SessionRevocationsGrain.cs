using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Users.Sessions;

/// <summary>
/// Holds, in memory only, the observers of the API nodes: nodes refresh them every minute, so after a silo restart
/// they come back within one refresh (a revocation in between reaches a node's cache only when its entry lapses, a few
/// seconds later). A revocation is awaited by the logout that caused it, so each call to a node is bounded.
/// </summary>
public sealed partial class SessionRevocationsGrain(TimeProvider clock, ILogger<SessionRevocationsGrain> logger) : Grain, ISessionRevocationsGrain
{
    /// <summary>Three missed refreshes of a node's one-minute cycle.</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(3);

    /// <summary>A node that does not answer within this is dropped; its cache entries lapse on their own.</summary>
    private static readonly TimeSpan NodeAnswer = TimeSpan.FromSeconds(2);

    private readonly Dictionary<ISessionRevocationObserver, DateTimeOffset> nodes = [];

    public Task Subscribe(ISessionRevocationObserver node)
    {
        nodes[node] = clock.GetUtcNow();
        return Task.CompletedTask;
    }

    public async Task Revoked(string sessionId)
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
                await node.Revoked(sessionId).WaitAsync(NodeAnswer, clock);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                nodes.Remove(node);
                LogNodeGone(logger, exception);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a session-revocation observer that failed or did not answer")]
    private static partial void LogNodeGone(ILogger logger, Exception exception);
}
