using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Users;

/// <summary>An API node's cache of open sessions, told when one is revoked.</summary>
[Alias("users.ISessionRevocationObserver")]
public interface ISessionRevocationObserver : IGrainObserver
{
    /// <summary>Forgets that the session was open: its next request is checked with the session grain.</summary>
    [Alias("Revoked")]
    Task Revoked(string sessionId);
}

/// <summary>
/// Tells every API node that a session was revoked, so nodes may cache that a session is open for a few seconds and
/// still refuse its token on the very next request after a logout. One per cluster (key 0): it carries revocations
/// only, which are rare next to requests.
/// </summary>
[Alias("users.ISessionRevocationsGrain")]
public interface ISessionRevocationsGrain : IGrainWithIntegerKey
{
    /// <summary>Registers (or refreshes) a node's observer; a registration not refreshed within a few minutes lapses.</summary>
    [Alias("Subscribe")]
    Task Subscribe(ISessionRevocationObserver node);

    /// <summary>Tells every registered node, and returns once each has answered or failed; one slow node holds up no other revocation.</summary>
    [AlwaysInterleave, Alias("Revoked")]
    Task Revoked(string sessionId);
}
