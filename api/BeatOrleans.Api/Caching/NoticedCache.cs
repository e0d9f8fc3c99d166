using System.Collections.Concurrent;

namespace BeatOrleans.Api.Caching;

/// <summary>
/// Entries an API node may trust for a short time because the users domain tells it when one stops being true
/// (<see cref="NodeCacheNotices"/>). An entry is served only while the node's registration for those notices is
/// current, and a read that started before a notice about its key, or while the node was not registered, is not
/// kept: it may carry what the notice replaced.
/// </summary>
public sealed class NoticedCache<TValue>(TimeSpan duration, TimeProvider clock, int maxEntries)
    where TValue : class
{
    /// <summary>How long a notice is remembered: longer than any read that could race it (grain calls time out
    /// sooner).</summary>
    private static readonly TimeSpan NoticesKept = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> notices = new(StringComparer.Ordinal);
    private long stamp;
    private long lastFullSweep;
    private long trustedUntil = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>Zero duration turns the cache off: every read asks the grain.</summary>
    public bool Enabled => duration > TimeSpan.Zero;

    public int Count => entries.Count;

    /// <summary>Set by the registration for notices; entries are served only before this moment.</summary>
    public void TrustUntil(DateTimeOffset until) => Volatile.Write(ref trustedUntil, until.UtcTicks);

    public bool TryGet(string key, out TValue value)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (now < Volatile.Read(ref trustedUntil) && entries.TryGetValue(key, out var entry) && now < entry.Until)
        {
            value = (TValue)entry.Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>Call before reading from the grain; pass the answer to <see cref="Store"/> (negative: keep
    /// nothing).</summary>
    public long BeginRead() =>
        Enabled && clock.GetUtcNow().UtcTicks < Volatile.Read(ref trustedUntil) ? Volatile.Read(ref stamp) : -1;

    public void Store(string key, TValue value, long readStarted)
    {
        if (readStarted < 0 || NoticedSince(key, readStarted))
        {
            return;
        }

        if (entries.Count >= maxEntries)
        {
            SweepWhenFull();
            if (entries.Count >= maxEntries)
            {
                return;
            }
        }

        var entry = new Entry(value, clock.GetUtcNow().UtcTicks + duration.Ticks, 0);
        entries[key] = entry;
        // A notice between the check above and this store removed nothing: take the entry back out.
        if (NoticedSince(key, readStarted))
        {
            entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    /// <summary>The entry stopped being true: it is dropped, and no read that started before now may store
    /// it again.</summary>
    public void Notice(string key)
    {
        notices[key] = new Entry(key, clock.GetUtcNow().UtcTicks + NoticesKept.Ticks, Interlocked.Increment(ref stamp));
        entries.TryRemove(key, out _);
    }

    /// <summary>Drops lapsed entries and notices.</summary>
    public void Sweep()
    {
        var now = clock.GetUtcNow().UtcTicks;
        foreach (var (key, entry) in entries)
        {
            if (entry.Until <= now)
            {
                entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }

        foreach (var (key, notice) in notices)
        {
            if (notice.Until <= now)
            {
                notices.TryRemove(KeyValuePair.Create(key, notice));
            }
        }
    }

    /// <summary>A full cache is swept at most once a second, not on every read that misses it.</summary>
    private void SweepWhenFull()
    {
        var now = clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref lastFullSweep);
        if (now - last >= TimeSpan.TicksPerSecond && Interlocked.CompareExchange(ref lastFullSweep, now, last) == last)
        {
            Sweep();
        }
    }

    private bool NoticedSince(string key, long readStarted) =>
        notices.TryGetValue(key, out var notice) && notice.Stamp > readStarted;

    private sealed record Entry(object Value, long Until, long Stamp);
}
