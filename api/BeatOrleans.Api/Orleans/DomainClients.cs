using BeatOrleans.Contracts;
using BeatOrleans.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Metadata;

namespace BeatOrleans.Api.Orleans;

/// <summary>
/// One Orleans client per domain beside the API node's main client (cluster profile), each connected only to the
/// gateways of the silos that host its domain, and handed to <see cref="DomainGrainFactory"/> once connected. A
/// domain's calls then enter the cluster at a silo that can run them instead of being forwarded by whichever silo the
/// grain id hashed to. A client that cannot connect is retried in the background; until then its domain's calls go
/// through the main client, so this never holds up the node.
/// </summary>
internal sealed partial class DomainClients(
    DomainGrainFactory router,
    DomainSilos silos,
    IMembershipTable membership,
    IConfiguration configuration,
    ILoggerFactory loggers,
    TimeProvider clock,
    ILogger<DomainClients> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly List<IHost> hosts = [];
    private Task connecting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        connecting = Task.WhenAll(Domains.All.Select((domain, index) => Connect(domain, index)));
        return Task.CompletedTask;
    }

    private async Task Connect(Domain domain, int index)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            var host = Build(domain, index);
            try
            {
                await host.StartAsync(stopping.Token);
                lock (hosts)
                {
                    hosts.Add(host);
                }

                router.Route(index, host.Services.GetRequiredService<IClusterClient>());
                LogConnected(domain.Name);
                return;
            }
            catch (Exception exception)
            {
                host.Dispose();
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                LogNotConnected(exception, domain.Name, delay.TotalSeconds);
            }

            try
            {
                await Task.Delay(delay, clock, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private IHost Build(Domain domain, int index)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = $"beatorleans-{domain.Name}-client",
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(clock);
        // The API node's own lifetime (its SIGTERM and graceful drain) governs; this host only follows StopAsync.
        builder.Services.AddSingleton<IHostLifetime, FollowingLifetime>();
        builder.UseOrleansClient(client =>
        {
            OrleansHostingExtensions.ConfigureClient(client, configuration);
            client.Services.AddSingleton<IGatewayListProvider>(services => new DomainGatewayListProvider(
                membership,
                services.GetRequiredService<IOptions<GatewayOptions>>().Value,
                silos,
                index,
                loggers.CreateLogger<DomainGatewayListProvider>()));
        });
        return builder.Build();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await connecting;
        for (var i = 0; i < Domains.All.Count; i++)
        {
            router.Route(i, null);
        }

        IHost[] started;
        lock (hosts)
        {
            started = [.. hosts];
            hosts.Clear();
        }

        foreach (var host in started)
        {
            try
            {
                await host.StopAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or OrleansException)
            {
                LogStopFailed(exception);
            }

            host.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        stopping.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Grain calls to the {Domain} domain now enter the cluster through its own silos")]
    private partial void LogConnected(string domain);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The {Domain} domain's client could not connect; its calls go through the main client, " +
            "next try in {Seconds} s")]
    private partial void LogNotConnected(Exception exception, string domain, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A domain client did not stop cleanly")]
    private partial void LogStopFailed(Exception exception);

    private sealed class FollowingLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// Which silos host which domain, read from the cluster manifest the main client keeps current: a silo hosts a domain
/// when one of its grain classes implements one of the domain's contract interfaces.
/// </summary>
public sealed class DomainSilos(IClusterManifestProvider manifests, GrainInterfaceTypeResolver interfaceTypes)
{
    private readonly Lazy<HashSet<string>[]> interfacesOf = new(() =>
    {
        var sets = Domains.All.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        foreach (var type in typeof(StorageNames).Assembly.GetExportedTypes())
        {
            if (type.IsInterface && typeof(IAddressable).IsAssignableFrom(type) && !type.ContainsGenericParameters
                && DomainGrainFactory.DomainOf(type) is var domain and >= 0)
            {
                sets[domain].Add(interfaceTypes.GetGrainInterfaceType(type).ToString());
            }
        }

        return sets;
    });

    private Snapshot? current;

    /// <summary>
    /// The silos that host <paramref name="domain"/> (an index into <see cref="Domains.All"/>) as the manifest knows
    /// them now.
    /// </summary>
    public IReadOnlySet<SiloAddress> Hosting(int domain)
    {
        var manifest = manifests.Current;
        var snapshot = Volatile.Read(ref current);
        if (snapshot is null || snapshot.Version != manifest.Version)
        {
            snapshot = new Snapshot(manifest.Version, Read(manifest));
            Volatile.Write(ref current, snapshot);
        }

        return snapshot.Silos[domain];
    }

    private HashSet<SiloAddress>[] Read(ClusterManifest manifest)
    {
        var interfaces = interfacesOf.Value;
        var silos = interfaces.Select(_ => new HashSet<SiloAddress>()).ToArray();
        foreach (var (silo, grains) in manifest.Silos)
        {
            foreach (var properties in grains.Grains.Values)
            {
                foreach (var (key, value) in properties.Properties)
                {
                    const string Implements = WellKnownGrainTypeProperties.ImplementedInterfacePrefix;
                    if (!key.StartsWith(Implements, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    for (var domain = 0; domain < interfaces.Length; domain++)
                    {
                        if (interfaces[domain].Contains(value))
                        {
                            silos[domain].Add(silo);
                        }
                    }
                }
            }
        }

        return silos;
    }

    private sealed record Snapshot(MajorMinorVersion Version, HashSet<SiloAddress>[] Silos);
}

/// <summary>
/// A domain client's gateways: the active silos of the membership table that host the domain. Reads the main
/// client's membership table (one Redis connection per node). When no silo is known to host the domain (the manifest
/// not read yet, or the domain down) it lists every active gateway, which is what a plain client would use.
/// </summary>
internal sealed partial class DomainGatewayListProvider(
    IMembershipTable membership,
    GatewayOptions options,
    DomainSilos silos,
    int domain,
    ILogger<DomainGatewayListProvider> logger) : IGatewayListProvider
{
    private string last = "";

    public TimeSpan MaxStaleness => options.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    // The main client initialized the table before this client starts; initializing it again would open another
    // Redis connection and drop the first.
    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways()
    {
        var table = await membership.ReadAllAsync();
        var active = table.Members.Select(member => member.Item1)
            .Where(entry => entry.Status == SiloStatus.Active && entry.ProxyPort != 0)
            .ToList();
        var hosting = silos.Hosting(domain);
        var chosen = active.Where(entry => hosting.Contains(entry.SiloAddress)).ToList();
        var fallback = chosen.Count == 0;
        if (fallback)
        {
            chosen = active;
        }

        var gateways = chosen.Select(GatewayOf).ToList();
        var described = string.Join(", ", gateways.Select(uri => uri.Authority).Order(StringComparer.Ordinal));
        if (described != last)
        {
            last = described;
            if (fallback)
            {
                LogEveryGateway(Domains.All[domain].Name, gateways.Count);
            }
            else
            {
                LogGateways(Domains.All[domain].Name, gateways.Count, active.Count, described);
            }
        }

        return gateways;
    }

    /// <summary>The silo's gateway, as Orleans' own Redis gateway list names it.</summary>
    private static Uri GatewayOf(MembershipEntry entry)
    {
        var silo = entry.SiloAddress;
        return SiloAddress.New(silo.Endpoint.Address, entry.ProxyPort, silo.Generation).ToGatewayUri();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Domain} calls enter through {Count} of {Active} gateways: {Gateways}")]
    private partial void LogGateways(string domain, int count, int active, string gateways);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "No active silo is known to host {Domain} yet; its client uses all {Count} gateways")]
    private partial void LogEveryGateway(string domain, int count);
}
