using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeatOrleans.Hosting.Health;

public static class HealthChecksExtensions
{
    public const string ReadyTag = "ready";

    /// <summary>One readiness entry per store the silo's profile uses: SQLite locally, Redis and PostgreSQL in the cluster.</summary>
    public static IHealthChecksBuilder AddStorageChecks(this IHealthChecksBuilder checks, SiloHostingOptions options)
    {
        if (!options.IsCluster)
        {
            return checks.Add(new HealthCheckRegistration("sqlite", _ => GrainStorageHealthCheck.Sqlite(options.SqliteConnectionString), null, [ReadyTag]));
        }

        var redis = new RedisHealthCheck(options.RedisConnectionString!);
        return checks
            .Add(new HealthCheckRegistration("redis", _ => redis, null, [ReadyTag]))
            .Add(new HealthCheckRegistration("postgres", _ => GrainStorageHealthCheck.Postgres(options.PostgresConnectionString!), null, [ReadyTag]));
    }
}
