using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace BeatOrleans.Hosting.Health;

/// <summary>Ready when the grain-state database answers and holds the provider's three queries.</summary>
public sealed class GrainStorageHealthCheck(Func<DbConnection> connect) : IHealthCheck
{
    public static GrainStorageHealthCheck Sqlite(string connectionString) => new(() => new SqliteConnection(connectionString));

    /// <summary>
    /// A connection of its own each time, not one from the pool: an idle pooled connection answers even while new
    /// ones cannot be opened (seen for ~40 s after a Kubernetes deployment came up), and grain writes need new ones.
    /// </summary>
    public static GrainStorageHealthCheck Postgres(string connectionString) =>
        new(() => new NpgsqlConnection(Unpooled(connectionString)));

    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

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
        // Not answering: the registration says how much that matters (a shared store: Degraded).
        catch (DbException exception)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus, $"{exception.GetType().Name}: {exception.Message}");
        }
        catch (TimeoutException exception)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"timeout: {exception.Message}");
        }
    }
}
