namespace BeatOrleans.Api.RealTime;

/// <summary>
/// One user's live connections on this node. An ended connection stays listed, receiving nothing, until its
/// disconnect removes it, so that disconnects alone decide when the user's last connection here is gone.
/// </summary>
internal sealed class UserConnections
{
    private readonly Lock gate = new();
    private readonly List<Entry> entries = [];
    private bool retired;

    /// <summary>False once the set has emptied and left the relay: the caller starts a new one.</summary>
    public bool TryAdd(ILiveConnection connection, out bool first)
    {
        lock (gate)
        {
            first = entries.Count == 0;
            if (retired)
            {
                return false;
            }

            entries.Add(new Entry(connection));
            return true;
        }
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
