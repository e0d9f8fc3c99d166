using BeatOrleans.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Storage;
using StackExchange.Redis;

namespace BeatOrleans.Hosting.Storage;

/// <summary>Grain state on Redis (AOF on the server): the cluster profile's "realtime" and stream subscriptions.</summary>
public static class RedisStorage
{
    public static ISiloBuilder AddRedisGrainStorage(this ISiloBuilder silo, string name, string connectionString)
    {
        silo.AddRedisGrainStorage(name, options => options.Configure<IServiceProvider>((o, services) =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(connectionString);
            o.GrainStorageSerializer = services.GetRequiredService<OrleansGrainStorageSerializer>();
            var traced = services.GetService<TracedRedisConnections>();
            o.CreateMultiplexer = async options =>
            {
                var connection = await ConnectionMultiplexer.ConnectAsync(options.ConfigurationOptions!);
                traced?.Add(name, connection);
                return (connection, false);
            };
        }));
        silo.Services.TryAddSingleton<OrleansGrainStorageSerializer>();
        return silo;
    }
}
