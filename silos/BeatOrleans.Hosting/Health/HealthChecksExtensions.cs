using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeatOrleans.Hosting.Health;

public static class HealthChecksExtensions
{
    public const string ReadyTag = "ready";

    /// <summary>
    /// One readiness entry per store the silo's profile uses: SQLite locally, Redis and PostgreSQL in the cluster. The
    /// cluster's stores are shared by every silo, and a silo of a domain that keeps nothing in one of them goes on
    /// serving while it is down (chat and notifications keep their state in Redis): they report <c>Degraded</c>, still
    /// 200, rather than mark every silo not ready at once (which blocks rollouts and drains).
    /// </summary>
    public static IHealthChecksBuilder AddStorageChecks(this IHealthChecksBuilder checks, SiloHostingOptions options)
    {
        if (!options.IsCluster)
        {
            return checks.Add(new HealthCheckRegistration("sqlite", _ => GrainStorageHealthCheck.Sqlite(options.SqliteConnectionString), null, [ReadyTag]));
        }

        var redis = new RedisHealthCheck(options.RedisConnectionString!);
        return checks
            .Add(new HealthCheckRegistration("redis", _ => redis, HealthStatus.Degraded, [ReadyTag]))
            .Add(new HealthCheckRegistration("postgres",
                _ => GrainStorageHealthCheck.Postgres(options.PostgresConnectionString!),
                HealthStatus.Degraded, [ReadyTag]));
    }
}
