using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

namespace BeatOrleans.Integration.Tests;

/// <summary>An Orleans client of the cluster under test, for looking at placement through the management grain.</summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly IHost host;

    private ClusterClient(IHost host) => this.host = host;

    public static async Task<ClusterClient> Connect(LocalCluster cluster)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client => client
                .UseRedisClustering(TestServers.Redis)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ClusterId)))
            .Build();
        await host.StartAsync();
        return new ClusterClient(host);
    }

    private IManagementGrain Management => host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);

    public async Task<IReadOnlyList<SiloAddress>> ActiveSilos() => [.. (await Management.GetHosts(onlyActive: true)).Keys];

    /// <summary>
    /// The silo of <paramref name="cluster"/> named <paramref name="name"/> once the silo that answers this client's
    /// management calls lists it as active. A silo is ready once its own view has it; the others learn of it from the
    /// membership table and gossip, a moment later.
    /// </summary>
    public async Task<SiloAddress> ActiveSilo(LocalCluster cluster, string name)
    {
        var port = await cluster.SiloPort(name);
        var silo = await Eventually.Holds(
            async () => (await ActiveSilos()).FirstOrDefault(s => s.Endpoint.Port == port),
            silo => silo is not null, TimeSpan.FromSeconds(30),
            _ => $"{name} (silo port {port}) was not listed as active within 30 s");
        return silo!;
    }

    /// <summary>Activations of grain classes whose name contains <paramref name="grainClass"/>, per silo.</summary>
    public async Task<Dictionary<SiloAddress, int>> Activations(string grainClass) =>
        (await Management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(grainClass, StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
