using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace BeatOrleans.Hosting.Health;

/// <summary>Ready when PostgreSQL answers and holds the grain-storage queries.</summary>
public sealed class PostgresHealthCheck(string connectionString) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansquery", connection);
            var queries = (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
            return queries >= 3 ? HealthCheckResult.Healthy("grain storage schema present") : HealthCheckResult.Unhealthy("grain storage schema missing");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL: {exception.GetType().Name}");
        }
    }
}
