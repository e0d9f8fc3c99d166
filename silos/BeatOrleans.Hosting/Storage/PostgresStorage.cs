using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;

namespace BeatOrleans.Hosting.Storage;

/// <summary>Grain state on PostgreSQL through Orleans' ADO.NET provider: the cluster profile's "documents".</summary>
public static class PostgresStorage
{
    public const string Invariant = "Npgsql";

    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder silo, string name, string connectionString)
    {
        silo.AddAdoNetStorage(name, Invariant, connectionString);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services =>
            new PostgresSchema(connectionString, services.GetRequiredService<ILogger<PostgresSchema>>()));
        return silo;
    }
}

/// <summary>
/// Creates tables and queries before the providers read them; an advisory lock serialises silos starting together.
/// A silo often starts beside its database: while PostgreSQL is not reachable yet (its name does not resolve, the
/// port refuses, it is still starting) the silo waits for it, up to <see cref="Patience"/>, instead of failing its
/// start on the first try (measured: a container's first name lookup failed while podman's DNS server reloaded, and
/// the users silo exited).
/// </summary>
internal sealed partial class PostgresSchema(string connectionString, ILogger<PostgresSchema> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Arbitrary, fixed: every BeatOrleans silo takes the same lock.</summary>
    private const long SchemaLock = 0x4265_6174_4f72_6c65;

    /// <summary>How long a starting silo waits for PostgreSQL to be reachable.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe<PostgresSchema>(ServiceLifecycleStage.RuntimeInitialize, ApplyWhenReachable);

    private async Task ApplyWhenReachable(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        var pause = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Apply(cancellationToken);
                return;
            }
            catch (Exception exception) when (NotReachable(exception) && DateTime.UtcNow + pause < deadline)
            {
                LogNotReachable(logger, attempt, exception.InnerException?.Message ?? exception.Message);
                await Task.Delay(pause, cancellationToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            }
        }
    }

    /// <summary>A failure to reach the server (name lookup, refused or broken connection), not an SQL error.</summary>
    private static bool NotReachable(Exception exception) =>
        exception is NpgsqlException { IsTransient: true }
            or System.Net.Sockets.SocketException or TimeoutException or IOException;

    private async Task Apply(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLock})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var schema = new NpgsqlCommand(await SchemaScripts.Read("postgres-grain-storage.sql"), connection, transaction))
        {
            await schema.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "PostgreSQL is not reachable yet (try {Attempt}): {Reason}; waiting")]
    private static partial void LogNotReachable(ILogger logger, int attempt, string reason);
}
