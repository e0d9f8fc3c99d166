using BeatOrleans.Contracts;
using BeatOrleans.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace BeatOrleans.Grains.Tests;

/// <summary>An in-process cluster hosting the users domain, with a clock the tests move.</summary>
public sealed class UsersCluster : IAsyncLifetime
{
    /// <summary>Silos of an in-process test cluster share this process, so they can share this clock.</summary>
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; } = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage(StorageNames.Documents);
            silo.AddMemoryGrainStorage(StorageNames.Realtime);
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Users:LoginThrottle:MaxFailures"] = "3" })
                .Build();
            silo.Services.AddUsersDomain(configuration);
            silo.Services.AddSingleton<TimeProvider>(Clock);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UsersClusterGroup : ICollectionFixture<UsersCluster>
{
    public const string Name = "users cluster";
}
