namespace BeatOrleans.Catalog.Beats;

/// <summary>
/// Which plays of one beat count (CatalogOptions.RepeatPlayWindow, MaxListenersPerAddress): a listener's once per
/// window, and at most <c>perAddress</c> listeners' per address in a window, so accounts made in a loop from one
/// address (or one IPv6 /64) are not popularity either. Held in memory by the beat's activation, bounded: a new
/// activation starts afresh, which is at most one more play per listener.
/// </summary>
public sealed class PlayCounter(TimeSpan window, int perAddress, int remembered)
{
    /// <summary>When each recent listener's play was last counted, oldest first.</summary>
    private readonly OrderedDictionary<string, DateTimeOffset> listeners = new(StringComparer.Ordinal);

    /// <summary>Each recent address's counted plays, in time order; addresses by their latest, oldest first.</summary>
    private readonly OrderedDictionary<string, Queue<DateTimeOffset>> addresses = new(StringComparer.Ordinal);

    /// <summary>Whether a play by <paramref name="listener"/> from <paramref name="address"/> counts now.</summary>
    public bool Count(string listener, string address, DateTimeOffset now)
    {
        if (listeners.TryGetValue(listener, out var counted) && now - counted < window)
        {
            return false;
        }

        var times = addresses.TryGetValue(address, out var kept) ? kept : new Queue<DateTimeOffset>();
        while (times.Count > 0 && now - times.Peek() >= window)
        {
            times.Dequeue();
        }

        if (times.Count >= perAddress)
        {
            return false;
        }

        times.Enqueue(now);
        Remember(listeners, listener, now, now, static at => at);
        Remember(addresses, address, times, now, Latest);
        return true;
    }

    /// <summary>How many listeners and addresses are remembered (at most the bound each).</summary>
    public (int Listeners, int Addresses) Remembered => (listeners.Count, addresses.Count);

    private static DateTimeOffset Latest(Queue<DateTimeOffset> times) =>
        times.Count == 0 ? DateTimeOffset.MinValue : times.Last();

    private void Remember<T>(
        OrderedDictionary<string, T> kept, string key, T value, DateTimeOffset now, Func<T, DateTimeOffset> latest)
    {
        kept.Remove(key);
        // Oldest first: those past the window go, then, while still at the bound, the oldest.
        while (kept.Count > 0 && (now - latest(kept.GetAt(0).Value) >= window || kept.Count >= remembered))
        {
            kept.RemoveAt(0);
        }

        kept.Add(key, value);
    }
}
