using BeatOrleans.Api.Caching;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Auth;

/// <summary>Section <c>Auth:SessionChecks</c>: how long an API node may trust that a session it checked is open.</summary>
public sealed class SessionCheckOptions
{
    public const string Section = "Auth:SessionChecks";

    /// <summary>Zero checks the session grain on every request.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Which sessions this node saw open in the last <see cref="SessionCheckOptions.CacheDuration"/>, so a client's burst
/// of requests costs one session-grain call, not one each. Logout stays immediate on every node: a revocation is
/// pushed to this cache (<see cref="NodeCacheNotices"/>) before the revoking request is answered, and a check that
/// raced the revocation cannot store its stale answer.
/// </summary>
public sealed class SessionCache(IOptions<SessionCheckOptions> options, TimeProvider clock)
{
    public NoticedCache<string> Entries { get; } = new(options.Value.CacheDuration, clock, maxEntries: 200_000);

    /// <summary>Whether <paramref name="sessionId"/> was seen open for <paramref name="userId"/> recently enough to skip the check.</summary>
    public bool IsKnownOpen(string sessionId, string userId) =>
        Entries.TryGet(sessionId, out var owner) && owner == userId;
}
