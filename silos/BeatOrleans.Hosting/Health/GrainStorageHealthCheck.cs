using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace BeatOrleans.Hosting.Health;

/// <summary>Ready when the grain-state database answers and holds the provider's three queries.</summary>
public sealed class GrainStorageHealthCheck(Func<DbConnection> connect) : IHealthCheck
{
    public static GrainStorageHealthCheck Sqlite(string connectionString) => new(() => new SqliteConnection(connectionString));

    public static GrainStorageHealthCheck Postgres(string connectionString) => new(() => new NpgsqlConnection(connectionString));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = connect();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM OrleansQuery";
            var queries = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            return queries >= 3 ? HealthCheckResult.Healthy("grain storage schema present") : HealthCheckResult.Unhealthy("grain storage schema missing");
        }
        catch (DbException exception)
        {
            return HealthCheckResult.Unhealthy($"{exception.GetType().Name}: {exception.Message}");
        }
        catch (TimeoutException exception)
        {
            return HealthCheckResult.Unhealthy($"timeout: {exception.Message}");
        }
    }
}
