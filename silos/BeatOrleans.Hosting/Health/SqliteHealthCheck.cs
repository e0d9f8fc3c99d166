using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeatOrleans.Hosting.Health;

/// <summary>Ready when the SQLite file opens and answers a query.</summary>
public sealed class SqliteHealthCheck(string connectionString) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM OrleansQuery";
            var queries = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            return queries >= 3 ? HealthCheckResult.Healthy("grain storage schema present") : HealthCheckResult.Unhealthy("grain storage schema missing");
        }
        catch (SqliteException exception)
        {
            return HealthCheckResult.Unhealthy($"SQLite: {exception.Message}");
        }
    }
}
