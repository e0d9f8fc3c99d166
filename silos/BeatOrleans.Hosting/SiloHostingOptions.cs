using BeatOrleans.Hosting.Startup;

namespace BeatOrleans.Hosting;

/// <summary>How a silo finds the cluster and where its state lives; bound from the <c>Silo</c> section.</summary>
public sealed class SiloHostingOptions
{
    /// <summary>
    /// <c>Orleans:Mode</c>. <c>local</c>: localhost clustering, state in a SQLite file (one machine, no servers; the embedded
    /// profile's silo is local). <c>cluster</c>: Redis clustering, "documents" on PostgreSQL, "realtime",
    /// stream subscriptions and reminders on Redis.
    /// </summary>
    public string Mode { get; set; } = "local";

    /// <summary>"all" or a comma-separated list of domains whose grains this silo hosts.</summary>
    public string Domains { get; set; } = "all";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>With localhost clustering, the silo port of the first silo that the others join.</summary>
    public int PrimarySiloPort { get; set; } = 11111;

    /// <summary>
    /// The address other silos and clients reach this one at (cluster mode): an IP, a host name, or "auto"
    /// for this machine's own name (containers, where the address is known only at start).
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    public System.Net.IPAddress ResolveAdvertisedAddress()
    {
        if (System.Net.IPAddress.TryParse(AdvertisedAddress, out var address))
        {
            return address;
        }

        var host = AdvertisedAddress.Equals("auto", StringComparison.OrdinalIgnoreCase) ? System.Net.Dns.GetHostName() : AdvertisedAddress;
        return System.Net.Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? throw new StartupSettingException($"Silo:AdvertisedAddress '{AdvertisedAddress}' resolves to no IPv4 address.");
    }

    public string ClusterId { get; set; } = "beatorleans";

    public string ServiceId { get; set; } = "beatorleans";

    /// <summary><c>ConnectionStrings:Sqlite</c>: the SQLite file of the local profile.</summary>
    public string SqliteConnectionString { get; set; } = "Data Source=data/beatorleans.db";

    /// <summary><c>ConnectionStrings:Redis</c> (StackExchange.Redis form), required in cluster mode.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary><c>ConnectionStrings:Postgres</c> (Npgsql form), required in cluster mode.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// Queues of the "events" memory stream provider, cluster-wide (each has one pulling agent on some silo). Every agent
    /// polls its queue each <see cref="StreamPollingPeriodMs"/> even when idle, so the count is a trade: more queues spread
    /// a heavy event load over more silos, fewer cost less idle CPU and fewer hops. Two carry this marketplace's
    /// notification traffic with room to spare (docs/BENCHMARKS.md).
    /// </summary>
    public int StreamQueues { get; set; } = 2;

    /// <summary>How often each pulling agent polls its queue: the longest an event waits in an idle queue.</summary>
    public int StreamPollingPeriodMs { get; set; } = 20;

    public bool IsCluster => Mode.Equals("cluster", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fails start-up with a message naming each missing or invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (!IsCluster && !Mode.Equals("local", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"Orleans:Mode must be 'embedded', 'local' or 'cluster', not '{Mode}'.");
        }

        if (IsCluster && string.IsNullOrWhiteSpace(RedisConnectionString))
        {
            problems.Add("ConnectionStrings:Redis is required in cluster mode (clustering, realtime storage, reminders).");
        }

        if (IsCluster && string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            problems.Add("ConnectionStrings:Postgres is required in cluster mode (documents storage).");
        }

        if (StreamQueues is < 1 or > 64)
        {
            problems.Add($"Silo:StreamQueues must be 1 to 64, not {StreamQueues}.");
        }

        if (StreamPollingPeriodMs is < 1 or > 10_000)
        {
            problems.Add($"Silo:StreamPollingPeriodMs must be 1 to 10000, not {StreamPollingPeriodMs}.");
        }

        if (problems.Count > 0)
        {
            throw new StartupSettingException(string.Join(" ", problems));
        }
    }
}
