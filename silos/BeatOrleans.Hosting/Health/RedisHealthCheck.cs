using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace BeatOrleans.Hosting.Health;

/// <summary>Ready when Redis answers PING; one multiplexer for the process, connected lazily.</summary>
public sealed class RedisHealthCheck(string connectionString) : IHealthCheck, IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> connection = new(() => Connect(connectionString));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var redis = await connection.Value.WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The registration says how much that matters (shared by every process: Degraded).
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis: {exception.GetType().Name}");
        }
    }

    public void Dispose()
    {
        if (connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
        {
            connection.Value.Result.Dispose();
        }
    }

    private static Task<ConnectionMultiplexer> Connect(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
