using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Users;

/// <summary>An API node's caches of the users domain (open sessions, profiles), told when an entry stops being
/// true.</summary>
[Alias("users.INodeCacheObserver")]
public interface INodeCacheObserver : IGrainObserver
{
    /// <summary>Forgets that the session was open: its next request is checked with the session grain.</summary>
    [Alias("SessionRevoked")]
    Task SessionRevoked(string sessionId);

    /// <summary>Forgets the user's profile: the next read asks the user grain.</summary>
    [Alias("ProfileChanged")]
    Task ProfileChanged(string userId);
}

/// <summary>
/// Tells every API node that a session was revoked or a profile changed, so nodes may cache both for a few seconds
/// and still refuse a token on the very next request after a logout, and show a change on the very next read. One
/// per cluster (key 0): it carries revocations and profile changes only, which are rare next to requests.
/// </summary>
[Alias("users.INodeCachesGrain")]
public interface INodeCachesGrain : IGrainWithIntegerKey
{
    /// <summary>Registers (or refreshes) a node's observer; a registration not refreshed within a few minutes
    /// lapses.</summary>
    [Alias("Subscribe")]
    Task Subscribe(INodeCacheObserver node);

    /// <summary>A node that stops takes its registration with it: notices no longer wait on its answer.</summary>
    [Alias("Unsubscribe")]
    Task Unsubscribe(INodeCacheObserver node);

    /// <summary>Tells every registered node, and returns once each has answered or failed; one slow node holds up
    /// no other notice.</summary>
    [AlwaysInterleave, Alias("SessionRevoked")]
    Task SessionRevoked(string sessionId);

    /// <summary>As <see cref="SessionRevoked"/>, for a user whose profile (names, bio, purchases) changed.</summary>
    [AlwaysInterleave, Alias("ProfileChanged")]
    Task ProfileChanged(string userId);
}
