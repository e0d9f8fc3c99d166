using BeatOrleans.Catalog;
using BeatOrleans.Chat;
using BeatOrleans.Contracts;
using BeatOrleans.Hosting.Storage;
using BeatOrleans.Messaging;
using BeatOrleans.Outbox;
using BeatOrleans.Notifications;
using BeatOrleans.Purchasing;
using BeatOrleans.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace BeatOrleans.Grains.Tests;

/// <summary>
/// An in-process cluster hosting the users, catalogue (beats, listings), chat, notifications and purchasing (simulated
/// payments) domains, with a clock the tests move and <see cref="Faults"/> they switch on.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    /// <summary>Silos of an in-process test cluster share this process, so they can share this clock.</summary>
    public static readonly ShiftedClock Clock = new();

    public TestCluster Cluster { get; } = new TestClusterBuilder(1)
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .AddClientBuilderConfigurator<ClientConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public IClusterClient Client => Cluster.Client;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder client) =>
            client.AddMemoryStreams(StorageNames.Events);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage(StorageNames.Documents);
            silo.AddMemoryGrainStorage(StorageNames.Realtime);
            silo.AddMemoryGrainStorage(StorageNames.PubSub);
            silo.AddMemoryStreams(StorageNames.Events);
            silo.UseInMemoryReminderService();
            silo.AddIncomingGrainCallFilter(Faults.Apply);
            silo.AddIncomingGrainCallFilter(StorageFaults.Apply);
            // As in every silo of the marketplace (SiloBuilderExtensions).
            silo.AddUnsavedStateGuard(StorageNames.Documents, StorageNames.Realtime);
            var data = Directory.CreateTempSubdirectory("grain-tests-").FullName;
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Users:LoginThrottle:MaxFailures"] = "3",
                    ["Blobs:LocalRoot"] = Path.Combine(data, "blobs"),
                    ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(data, "catalog.db")}",
                    // Notifications a stream failure held back are published again within a second.
                    ["Purchasing:RetryPeriod"] = "00:00:01",
                })
                .Build();
            silo.Services.AddUsersDomain(configuration);
            silo.Services.AddCatalogDomain(configuration);
            // Beats are made ready by the tests (IBeatGrain.CompleteProcessing), not by FFmpeg racing them.
            silo.Services.PostConfigure<GrainTypeOptions>(o => o.Classes.RemoveWhere(type => type.Name == "MediaProcessingGrain"));
            silo.Services.AddChatDomain(configuration);
            silo.Services.AddNotificationsDomain(configuration);
            silo.Services.AddPurchasingDomain(configuration);
            // Bridge off (no broker in grain tests): the relay confirms at once, as in the embedded default.
            silo.Services.AddEventOutbox(configuration);
            silo.Services.AddRabbitMqBridge(configuration);
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.AddKeyedSingleton<TimeProvider>(Clocks.Market, Clock);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterGroup : ICollectionFixture<GrainCluster>
{
    public const string Name = "grain cluster";
}

/// <summary>
/// Real time plus an offset the tests move. Orleans itself takes the silo's TimeProvider for its timers (stream
/// pulling agents among them), so a frozen fake clock would stop streams; this one only jumps ahead.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
