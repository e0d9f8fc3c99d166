using Microsoft.Extensions.DependencyInjection;
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
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new PostgresSchema(connectionString));
        return silo;
    }
}

/// <summary>Creates tables and queries before the providers read them; an advisory lock serialises silos starting together.</summary>
internal sealed class PostgresSchema(string connectionString) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Arbitrary, fixed: every BeatOrleans silo takes the same lock.</summary>
    private const long SchemaLock = 0x4265_6174_4f72_6c65;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe<PostgresSchema>(ServiceLifecycleStage.RuntimeInitialize, Apply);

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
}
