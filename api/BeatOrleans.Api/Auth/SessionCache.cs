using System.Collections.Concurrent;
using BeatOrleans.Contracts.Users;
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
/// pushed to this cache (<see cref="ISessionRevocationsGrain"/>) before the revoking request is answered. The cache is
/// used only while this node's subscription is known to be registered, and a revoked session is never remembered
/// open again (a check that raced the revocation cannot store a stale answer).
/// </summary>
public sealed partial class SessionCache(
    IGrainFactory grains, IOptions<SessionCheckOptions> options, TimeProvider clock, ILogger<SessionCache> logger)
    : ISessionRevocationObserver, IHostedService, IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    /// <summary>The revocations grain keeps a registration this long (<c>SessionRevocationsGrain.Lapse</c>), less a margin.</summary>
    private static readonly TimeSpan Registered = TimeSpan.FromMinutes(2.5);

    /// <summary>How long a revoked session id is kept: longer than any check that could race its revocation.</summary>
    private static readonly TimeSpan RevokedKept = TimeSpan.FromMinutes(1);

    private const int MaxEntries = 200_000;

    private readonly ConcurrentDictionary<string, (string UserId, DateTimeOffset Until)> open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> revoked = new(StringComparer.Ordinal);
    private readonly TimeSpan duration = options.Value.CacheDuration;
    private DateTimeOffset registeredUntil = DateTimeOffset.MinValue;
    private ISessionRevocationObserver? reference;
    private Timer? refresher;

    private bool Enabled => duration > TimeSpan.Zero;

    /// <summary>Whether <paramref name="sessionId"/> was seen open for <paramref name="userId"/> recently enough to skip the check.</summary>
    public bool IsKnownOpen(string sessionId, string userId)
    {
        var now = clock.GetUtcNow();
        return Enabled && now < registeredUntil
            && open.TryGetValue(sessionId, out var entry) && entry.UserId == userId && now < entry.Until;
    }

    public void RememberOpen(string sessionId, string userId)
    {
        if (!Enabled || revoked.ContainsKey(sessionId))
        {
            return;
        }

        if (open.Count >= MaxEntries)
        {
            Sweep();
        }

        open[sessionId] = (userId, clock.GetUtcNow() + duration);
    }

    public Task Revoked(string sessionId)
    {
        revoked[sessionId] = clock.GetUtcNow() + RevokedKept;
        open.TryRemove(sessionId, out _);
        return Task.CompletedTask;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        reference = grains.CreateObjectReference<ISessionRevocationObserver>(this);
        await Register();
        refresher = new Timer(_ => _ = Register(), null, Refresh, Refresh);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        refresher?.Change(Timeout.Infinite, Timeout.Infinite);
        registeredUntil = DateTimeOffset.MinValue;
        return Task.CompletedTask;
    }

    public void Dispose() => refresher?.Dispose();

    private async Task Register()
    {
        Sweep();
        var attempt = clock.GetUtcNow();
        try
        {
            await grains.GetGrain<ISessionRevocationsGrain>(0).Subscribe(reference!);
            registeredUntil = attempt + Registered;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Until a registration succeeds (the users domain is down or starting), every request is checked.
            LogRegistrationFailed(logger, exception);
        }
    }

    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, entry) in open)
        {
            if (entry.Until <= now)
            {
                open.TryRemove(id, out _);
            }
        }

        foreach (var (id, until) in revoked)
        {
            if (until <= now)
            {
                revoked.TryRemove(id, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not register for session revocations; sessions are checked on every request until it succeeds")]
    private static partial void LogRegistrationFailed(ILogger logger, Exception exception);
}
