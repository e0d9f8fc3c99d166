using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.RealTime;

/// <summary>
/// The safety net under the revocation signal. Every <see cref="RealTimeOptions.SessionCheckInterval"/> it asks the
/// session grain of each session with a connection on this node whether it is still open (one call per session, not
/// per connection) and ends the connections of a session that is over: revoked while the signal was lost (a silo
/// died) or expired. (A connection that registers just after the signal passed is checked at once by the relay.) A session that cannot be checked for
/// longer than <see cref="RealTimeOptions.UncheckedSessionLimit"/> is treated as over, as HTTP requests refuse a
/// token whose session cannot be checked.
/// </summary>
public sealed class SessionWatch(
    PushRelay relay,
    IGrainFactory grains,
    IOptions<RealTimeOptions> options,
    TimeProvider clock,
    ILogger<SessionWatch> logger) : BackgroundService
{
    /// <summary>Session checks in flight at once, so a node with many sessions does not flood the users domain.</summary>
    private const int ChecksAtOnce = 8;

    /// <summary>When each watched session was last seen open; a session is open when first seen (its connect checked it).</summary>
    private readonly Dictionary<string, DateTimeOffset> lastOpen = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SessionCheckInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckAll(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    private async Task CheckAll(CancellationToken cancellation)
    {
        var sessions = relay.OpenSessions();
        var verdicts = new SessionVerdict[sessions.Count];
        await Parallel.ForAsync(0, sessions.Count, new ParallelOptions { MaxDegreeOfParallelism = ChecksAtOnce, CancellationToken = cancellation },
            async (i, _) => verdicts[i] =
                await SessionCheck.Of(grains, sessions[i].UserId, sessions[i].SessionId, logger));

        var now = clock.GetUtcNow();
        var watched = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sessions.Count; i++)
        {
            var (userId, sessionId) = sessions[i];
            watched.Add(sessionId);
            var since = lastOpen.TryGetValue(sessionId, out var seen) ? seen : now;
            lastOpen[sessionId] = verdicts[i] == SessionVerdict.Open ? now : since;
            if (verdicts[i] == SessionVerdict.Over || (verdicts[i] == SessionVerdict.Unknown && now - since > options.Value.UncheckedSessionLimit))
            {
                relay.EndSession(userId, sessionId);
            }
        }

        foreach (var gone in lastOpen.Keys.Where(k => !watched.Contains(k)).ToList())
        {
            lastOpen.Remove(gone);
        }
    }
}
