namespace BeatOrleans.Api.RealTime;

/// <summary>
/// One user's live connections on this node. An ended connection stays listed, receiving nothing, until its
/// disconnect removes it, so that disconnects alone decide when the user's last connection here is gone.
/// </summary>
internal sealed class UserConnections(Func<Task> subscribe)
{
    private readonly Lock gate = new();
    private readonly List<Entry> entries = [];
    private Task? subscription;
    private Task sending = Task.CompletedTask;
    private bool retired;

    /// <summary>
    /// The node's registration with the user's push grain, made once for the set by its first connection; every
    /// connection awaits it, so none counts as registered before the grain can reach it.
    /// </summary>
    public Task Subscribed
    {
        get
        {
            lock (gate)
            {
                // A failed registration (the push grain's silo unreachable) is made again by the next connection,
                // not handed to every later one for as long as the set lives.
                if (subscription is null || subscription.IsFaulted || subscription.IsCanceled)
                {
                    subscription = subscribe();
                }

                return subscription;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="send"/> on the thread pool after every send queued before it: the user's pushes
    /// reach their connections in order, while other users' pushes go out in parallel.
    /// <paramref name="send"/> must not throw.
    /// </summary>
    public Task Then(Func<Task> send)
    {
        lock (gate)
        {
            sending = sending.ContinueWith(
                _ => send(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            return sending;
        }
    }

    /// <summary>
    /// Retired once the set has emptied and left the relay (the caller starts a new one); Full when the user has
    /// <paramref name="limit"/> connections here already.
    /// </summary>
    public AddOutcome TryAdd(ILiveConnection connection, int limit)
    {
        lock (gate)
        {
            if (retired)
            {
                return AddOutcome.Retired;
            }

            if (entries.Count >= limit)
            {
                return AddOutcome.Full;
            }

            entries.Add(new Entry(connection));
            return AddOutcome.Added;
        }
    }

    /// <summary>Whether the user has <paramref name="limit"/> connections here (ended ones count until gone).</summary>
    public bool IsFull(int limit)
    {
        lock (gate)
        {
            return entries.Count >= limit;
        }
    }

    public enum AddOutcome
    {
        Added,
        Full,
        Retired,
    }

    /// <summary>True when that removed the user's last connection on this node; the set is retired then.</summary>
    public bool Remove(ILiveConnection connection)
    {
        lock (gate)
        {
            if (entries.RemoveAll(e => e.Connection == connection) == 0 || entries.Count > 0)
            {
                return false;
            }

            retired = true;
            return true;
        }
    }

    /// <summary>Marks the connections of a session ended, so no later push reaches them, and answers them.</summary>
    public List<ILiveConnection> EndSession(string sessionId)
    {
        lock (gate)
        {
            var ending = entries.Where(e => !e.Ended && e.Connection.SessionId == sessionId).ToList();
            ending.ForEach(e => e.Ended = true);
            return [.. ending.Select(e => e.Connection)];
        }
    }

    /// <summary>Marks one connection ended; false when it already was, or has left.</summary>
    public bool End(ILiveConnection connection)
    {
        lock (gate)
        {
            var entry = entries.Find(e => e.Connection == connection && !e.Ended);
            if (entry is null)
            {
                return false;
            }

            entry.Ended = true;
            return true;
        }
    }

    public List<string> SessionIds()
    {
        lock (gate)
        {
            return [.. Live().Select(c => c.SessionId).Distinct(StringComparer.Ordinal)];
        }
    }

    public List<string> HubConnectionIds()
    {
        lock (gate)
        {
            return [.. Live().OfType<HubLink>().Select(h => h.ConnectionId)];
        }
    }

    public List<SocketSink> Sockets(bool wantsMessages)
    {
        lock (gate)
        {
            return [.. Live().OfType<SocketSink>().Where(s => s.WantsMessages == wantsMessages)];
        }
    }

    private IEnumerable<ILiveConnection> Live() => entries.Where(e => !e.Ended).Select(e => e.Connection);

    private sealed class Entry(ILiveConnection connection)
    {
        public ILiveConnection Connection { get; } = connection;

        public bool Ended { get; set; }
    }
}
