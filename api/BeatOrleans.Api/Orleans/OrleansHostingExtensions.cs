using BeatOrleans.Hosting.Startup;
using BeatOrleans.Hosting;
using BeatOrleans.Hosting.Runtime;
using BeatOrleans.Hosting.Telemetry;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace BeatOrleans.Api.Orleans;

public static class OrleansHostingExtensions
{
    /// <summary>
    /// <c>Orleans:Mode</c>: <c>embedded</c> (the default) co-hosts a silo with every domain in this process;
    /// <c>local</c> makes the API a client of silos on this machine (localhost clustering); <c>cluster</c> a client
    /// of the Redis-clustered silos. Outside embedded the API hosts no grains.
    /// </summary>
    public static WebApplicationBuilder AddBeatOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var mode = OrleansMode.From(configuration);
        builder.Services.AddSingleton(mode);
        if (mode.Embedded)
        {
            var options = configuration.GetSiloHostingOptions();
            builder.UseOrleans(silo => silo.AddBeatOrleansSilo(configuration, options));
            return builder;
        }

        var clusterId = configuration["Silo:ClusterId"] ?? "beatorleans";
        var serviceId = configuration["Silo:ServiceId"] ?? "beatorleans";
        builder.UseOrleansClient(client =>
        {
            if (mode.Name == OrleansMode.Cluster)
            {
                var redis = configuration.GetConnectionString("Redis")
                    ?? throw new StartupSettingException("ConnectionStrings:Redis is required when Orleans:Mode is cluster (cluster membership).");
                client.UseRedisClustering(redis);
            }
            else
            {
                client.UseLocalhostClustering(configuration.GetValue("Orleans:GatewayPort", 30000), serviceId, clusterId);
            }

            ConfigureClient(client, configuration);
            client.AddDashboard();
        });
        if (mode.Name == OrleansMode.Cluster && configuration.GetValue("Orleans:DomainGateways", true))
        {
            // Registered after the client, so Orleans' services and every endpoint get the routing factory.
            builder.Services.AddSingleton(
                services => new DomainGrainFactory(services.GetRequiredService<IClusterClient>()));
            builder.Services.AddSingleton<IGrainFactory>(services => services.GetRequiredService<DomainGrainFactory>());
            builder.Services.AddSingleton<DomainSilos>();
            builder.Services.AddHostedService<DomainClients>();
        }

        return builder;
    }

    /// <summary>
    /// What every Orleans client of an API node is configured with, the main one and the per-domain ones.
    /// </summary>
    internal static void ConfigureClient(IClientBuilder client, IConfiguration configuration)
    {
        var clusterId = configuration["Silo:ClusterId"] ?? "beatorleans";
        var serviceId = configuration["Silo:ServiceId"] ?? "beatorleans";
        client.Services.AddCachedGrainInterfaceTypes();
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        // A call to a dead silo fails fast on the broken connection; this bounds the rest.
        client.Configure<ClientMessagingOptions>(o =>
            o.ResponseTimeout = configuration.GetValue("Orleans:ResponseTimeout", TimeSpan.FromSeconds(5)));
        // Which silos host which grain types reaches a client by polling its gateway (default once a minute). When a
        // domain's only silo restarts, the client answered "no implementation" (503) until its next poll: measured
        // up to a minute after the purchasing silo came back (ClusterPurchasingTests). The poll returns nothing
        // when the manifest did not change, so a short interval is cheap.
        client.Configure<TypeManagementOptions>(o =>
            o.TypeMapRefreshInterval =
                configuration.GetValue("Orleans:TypeMapRefreshInterval", TimeSpan.FromSeconds(2)));
        // Which gateways are alive reaches a client the same way (default once a minute). A silo that crashed where its
        // address stops answering (a container or pod gone) holds the requests the client routes through its gateway
        // until ResponseTimeout: measured in containers, every domain answered some 503s for as long as the client kept
        // the dead gateway. The refresh drops it once membership declares the silo dead.
        client.Configure<GatewayOptions>(o =>
            o.GatewayListRefreshPeriod =
                configuration.GetValue("Orleans:GatewayListRefreshPeriod", TimeSpan.FromSeconds(5)));
        client.Services.AddOptions<ReadRetryOptions>().Bind(configuration.GetSection(ReadRetryOptions.Section));
        client.AddOutgoingGrainCallFilter<ReadRetryFilter>();
        client.AddBeatOrleansTracing(configuration);
    }
}

/// <summary>Which profile this API node runs in.</summary>
public sealed record OrleansMode(string Name)
{
    public const string EmbeddedName = "embedded";
    public const string Local = "local";
    public const string Cluster = "cluster";

    public bool Embedded => Name == EmbeddedName;

    public static OrleansMode From(IConfiguration configuration)
    {
        var name = (configuration["Orleans:Mode"] ?? EmbeddedName).Trim().ToLowerInvariant();
        return name is EmbeddedName or Local or Cluster
            ? new OrleansMode(name)
            : throw new StartupSettingException($"Orleans:Mode must be 'embedded', 'local' or 'cluster', not '{name}'.");
    }
}
