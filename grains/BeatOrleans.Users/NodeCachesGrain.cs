using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Users;

/// <summary>
/// Keeps the API nodes' registrations in storage: nodes refresh them every minute, and a node caches sessions and
/// profiles only while its last registration is recent, so a notice must reach every node that registered lately,
/// including after this grain's silo restarted or the grain was collected (an in-memory list lost exactly those;
/// measured: a logout on one node, then the other node answering 200 from its cache). A notice is awaited by the
/// logout or the profile change that caused it, so each call to a node is bounded.
/// </summary>
/// <remarks>
/// The state is "node-caches", not "registrations": the ADO.NET stores (the embedded SQLite file) key a row by state
/// name and grain key, not by grain type, so this grain read the row of the grain it replaced
/// (<c>SessionRevocationsGrain</c>, key 0), whose observer interface no longer exists, and could not activate: after
/// an upgrade, logout and profile changes failed and no node cached anything.
/// </remarks>
internal sealed partial class NodeCachesGrain(
    [PersistentState("node-caches", StorageNames.Realtime)] IPersistentState<NodeCachesState> registrations,
    TimeProvider clock,
    ILogger<NodeCachesGrain> logger) : Grain, INodeCachesGrain
{
    /// <summary>Three missed refreshes of a node's one-minute cycle.</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(3);

    /// <summary>A node that does not answer within this is dropped; its cache entries lapse on their own.</summary>
    private static readonly TimeSpan NodeAnswer = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Nodes whose process is gone (Orleans knows no such client any more): a notice skips them until they subscribe
    /// again. Asking one costs Orleans' placement retries, about 0.15 s and an Error log entry each time, and its
    /// registration stays up to <see cref="Lapse"/>: measured after restarts of the embedded API, every logout and
    /// profile change took 0.55-0.62 s with four such nodes listed, instead of milliseconds. Kept in memory, as the
    /// notices only read the list (see <see cref="TellEveryNode"/>); a new activation learns it again with one call.
    /// </summary>
    private readonly HashSet<GrainId> gone = [];

    private List<NodeRegistration> Nodes => registrations.State.Nodes;

    public async Task Subscribe(INodeCacheObserver node)
    {
        var now = clock.GetUtcNow();
        Nodes.RemoveAll(n => n.RefreshedAt < now - Lapse || n.Node.Equals(node));
        Nodes.Add(new NodeRegistration { Node = node, RefreshedAt = now });
        // Only listed nodes need remembering as gone: one whose registration lapsed is skipped anyway.
        gone.RemoveWhere(id => id == node.GetGrainId() || !Nodes.Exists(n => n.Node.GetGrainId() == id));
        // Written before the node hears it is registered: it caches nothing until then.
        await registrations.WriteStateAsync();
    }

    public async Task Unsubscribe(INodeCacheObserver node)
    {
        if (Nodes.RemoveAll(n => n.Node.Equals(node)) > 0)
        {
            await registrations.WriteStateAsync();
        }
    }

    public Task SessionRevoked(string sessionId) => TellEveryNode(node => node.SessionRevoked(sessionId));

    public Task ProfileChanged(string userId) => TellEveryNode(node => node.ProfileChanged(userId));

    /// <summary>
    /// Interleaves with everything, so it only reads the list: a node that fails stays listed until its registration
    /// lapses (nothing is written here, which could race a Subscribe's write of the same state).
    /// </summary>
    private Task TellEveryNode(Func<INodeCacheObserver, Task> notice)
    {
        var horizon = clock.GetUtcNow() - Lapse;
        var listening = Nodes.Where(n => n.RefreshedAt >= horizon && !gone.Contains(n.Node.GetGrainId()))
            .Select(n => n.Node);
        return Task.WhenAll(listening.ToList().Select(async node =>
        {
            try
            {
                await notice(node).WaitAsync(NodeAnswer, clock);
            }
            catch (ClientNotAvailableException exception)
            {
                gone.Add(node.GetGrainId());
                LogNodeGone(logger, exception.Message);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogNodeFailed(logger, exception);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "An API node did not take a cache notice (gone or slow); its cache entries lapse on their own")]
    private static partial void LogNodeFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "An API node is gone ({Reason}); notices skip it unless it registers again")]
    private static partial void LogNodeGone(ILogger logger, string reason);
}
