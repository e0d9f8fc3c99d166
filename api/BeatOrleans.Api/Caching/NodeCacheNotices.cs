using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Users;
using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Api.Caching;

/// <summary>
/// This node's registration with <see cref="INodeCachesGrain"/>, renewed every minute, and the observer it registers:
/// a revoked session leaves the <see cref="SessionCache"/>, a changed profile the <see cref="ProfileCache"/> and the
/// <see cref="UserDirectory"/>, before the request that caused the change is answered. The caches serve entries only
/// while a registration is recent; until one succeeds (the users domain is down or starting), every read asks a grain.
/// </summary>
public sealed partial class NodeCacheNotices(
    IGrainFactory grains,
    SessionCache sessions,
    ProfileCache profiles,
    UserDirectory directory,
    TimeProvider clock,
    ILogger<NodeCacheNotices> logger) : INodeCacheObserver, IHostedService, IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    /// <summary>The grain keeps a registration this long (<c>NodeCachesGrain.Lapse</c>), less a margin.</summary>
    private static readonly TimeSpan Registered = TimeSpan.FromMinutes(2.5);

    /// <summary>The longest a stopping node waits to leave the list.</summary>
    private static readonly TimeSpan Leave = TimeSpan.FromSeconds(2);

    private INodeCacheObserver? reference;
    private Timer? refresher;

    private bool Needed => sessions.Entries.Enabled || profiles.Entries.Enabled;

    public Task SessionRevoked(string sessionId)
    {
        sessions.Entries.Notice(sessionId);
        return Task.CompletedTask;
    }

    public Task ProfileChanged(string userId)
    {
        profiles.Entries.Notice(userId);
        directory.Forget(userId);
        return Task.CompletedTask;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Needed)
        {
            return;
        }

        reference = grains.CreateObjectReference<INodeCacheObserver>(this);
        await Register();
        refresher = new Timer(_ => _ = Register(), null, Refresh, Refresh);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        refresher?.Change(Timeout.Infinite, Timeout.Infinite);
        TrustUntil(DateTimeOffset.MinValue);
        if (reference is null)
        {
            return;
        }

        // Leave the list, so that no logout or profile change waits on this node once it is gone (up to the grain's
        // lapse of three minutes otherwise). A node that crashes cannot; the grain skips it after one failed notice.
        try
        {
            await grains.GetGrain<INodeCachesGrain>(0).Unsubscribe(reference).WaitAsync(Leave, cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogUnsubscribeFailed(logger, exception.Message);
        }
    }

    public void Dispose() => refresher?.Dispose();

    private async Task Register()
    {
        sessions.Entries.Sweep();
        profiles.Entries.Sweep();
        var attempt = clock.GetUtcNow();
        try
        {
            await grains.GetGrain<INodeCachesGrain>(0).Subscribe(reference!);
            TrustUntil(attempt + Registered);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogRegistrationFailed(logger, exception);
        }
    }

    private void TrustUntil(DateTimeOffset until)
    {
        sessions.Entries.TrustUntil(until);
        profiles.Entries.TrustUntil(until);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not register for cache notices; sessions and profiles come from grains until it succeeds")]
    private static partial void LogRegistrationFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Could not leave the cache notices' list ({Reason}); the node's registration lapses on its own")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string reason);
}
