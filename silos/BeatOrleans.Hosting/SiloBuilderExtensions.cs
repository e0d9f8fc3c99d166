using System.Net;
using BeatOrleans.Contracts;
using BeatOrleans.Hosting.Health;
using BeatOrleans.Hosting.Membership;
using BeatOrleans.Hosting.Runtime;
using BeatOrleans.Hosting.Storage;
using BeatOrleans.Hosting.Telemetry;
using BeatOrleans.Messaging;
using BeatOrleans.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace BeatOrleans.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Everything a BeatOrleans silo needs, shared by the stand-alone silo and the API's co-hosted one:
    /// clustering, storage, streams, the dashboard, the event outbox and RabbitMQ bridge, and the grain classes of the domains it hosts (and no others).
    /// </summary>
    public static ISiloBuilder AddBeatOrleansSilo(this ISiloBuilder silo, IConfiguration configuration, SiloHostingOptions options)
    {
        options.Validate();
        var hosted = Domains.Parse(options.Domains);
        silo.Services.AddCachedGrainInterfaceTypes();
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });

        if (options.IsCluster)
        {
            AddClusterInfrastructure(silo, options);
            silo.Services.AddFailureDetection(configuration);
        }
        else
        {
            AddLocalInfrastructure(silo, options);
        }

        // A grain whose state write failed serves nothing more from memory: its next activation reads storage.
        silo.AddUnsavedStateGuard(StorageNames.Documents, StorageNames.Realtime);

        // Notifications cross one stream hop: the default 100 ms pulling period added ~60 ms to it (docs/BENCHMARKS.md);
        // 20 ms is a much shorter hop, and few queues keep the idle polling it costs small.
        silo.AddMemoryStreams(StorageNames.Events, streams =>
        {
            streams.ConfigurePartitioning(options.StreamQueues);
            streams.ConfigurePullingAgent(agent =>
                agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(options.StreamPollingPeriodMs)));
        });
        silo.AddDashboard();
        silo.AddBeatOrleansTracing(configuration);

        // On every silo, not as a domain: each grain's outbox publishes through its own silo's relay (no extra hop,
        // no dependency on another silo), and every silo consumes the inbound queue (competing consumers).
        silo.Services.AddEventOutbox(configuration);
        silo.Services.AddRabbitMqBridge(configuration);
        // Without a broker, integration events have nowhere to go: outboxes record none rather than store, index
        // and relay events the bridge would drop (on the chat path: two relay calls a message, docs/BENCHMARKS.md).
        var broker = configuration.GetConnectionString("RabbitMq");
        silo.Services.AddSingleton(new OutboxDestination(!string.IsNullOrWhiteSpace(broker)));

        foreach (var domain in hosted)
        {
            domain.AddServices(silo.Services, configuration);
        }

        if (options.IsCluster && hosted.Any(d => d.Name == Purchasing.PurchasingDomain.Name))
        {
            silo.Services.AddPaymentsModeCheck(configuration);
        }

        // A silo must not activate another domain's grains. Removing their classes (never clearing the list:
        // it also holds Orleans' own grains) makes the cluster place them on silos that do host them.
        var excluded = Domains.All.Except(hosted).Select(d => d.GrainAssembly).ToHashSet();
        silo.Services.PostConfigure<GrainTypeOptions>(o => o.Classes.RemoveWhere(type => excluded.Contains(type.Assembly)));
        return silo;
    }

    /// <summary>Reads <see cref="SiloHostingOptions"/> from <c>Orleans:Mode</c>, the <c>Silo</c> section and the connection strings.</summary>
    public static SiloHostingOptions GetSiloHostingOptions(this IConfiguration configuration)
    {
        var options = configuration.GetSection("Silo").Get<SiloHostingOptions>() ?? new SiloHostingOptions();
        // One key for every process: the API's "embedded" co-hosted silo is a local one.
        options.Mode = configuration["Orleans:Mode"] is null or "embedded" ? "local" : configuration["Orleans:Mode"]!;
        options.SqliteConnectionString = configuration.GetConnectionString("Sqlite") ?? options.SqliteConnectionString;
        options.RedisConnectionString = configuration.GetConnectionString("Redis");
        options.PostgresConnectionString = configuration.GetConnectionString("Postgres");
        return options;
    }

    private static void AddLocalInfrastructure(ISiloBuilder silo, SiloHostingOptions options)
    {
        silo.UseLocalhostClustering(
            options.SiloPort,
            options.GatewayPort,
            new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort),
            options.ServiceId,
            options.ClusterId);
        silo.AddSqliteGrainStorage(options.SqliteConnectionString);
        silo.UseInMemoryReminderService();
    }

    private static void AddClusterInfrastructure(ISiloBuilder silo, SiloHostingOptions options)
    {
        var redis = options.RedisConnectionString!;
        silo.UseRedisClustering(redis);
        silo.ConfigureEndpoints(options.ResolveAdvertisedAddress(), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
        silo.AddPostgresGrainStorage(StorageNames.Documents, options.PostgresConnectionString!);
        silo.AddRedisGrainStorage(StorageNames.Realtime, redis);
        silo.AddRedisGrainStorage(StorageNames.PubSub, redis);
        silo.UseRedisReminderService(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redis));

        // Measured (ClusterTests.Restarting_one_users_silo_...): with the default in-cluster directory, restarting
        // one users silo deactivated half the user grains on the other one. The Redis directory keeps each
        // registration outside the silos, so a membership change touches only the grains of the silo that left.
        silo.UseRedisGrainDirectoryAsDefault(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redis));
    }
}
