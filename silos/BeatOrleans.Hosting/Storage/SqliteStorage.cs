using BeatOrleans.Contracts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;

namespace BeatOrleans.Hosting.Storage;

/// <summary>The embedded profile's store: every named provider in one SQLite file, through Orleans' ADO.NET provider.</summary>
public static class SqliteStorage
{
    // Orleans names SQLite by this invariant and loads Microsoft.Data.Sqlite's factory for it.
    public const string Invariant = "System.Data.SQLite";

    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder silo, string connectionString)
    {
        EnsureDirectory(connectionString);
        var writes = new SemaphoreSlim(1, 1);
        foreach (var name in new[] { StorageNames.Documents, StorageNames.Realtime, StorageNames.PubSub })
        {
            silo.AddAdoNetStorage(name, Invariant, connectionString);
            // Registered after Orleans' own, so this one is what the name resolves to (and what joins the lifecycle).
            silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, key) =>
                new SqliteWriteGate(AdoNetGrainStorageFactory.Create(services, (string)key!), writes));
        }

        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new SqliteSchema(connectionString));
        return silo;
    }

    private static void EnsureDirectory(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}

/// <summary>Creates the tables and queries before the storage providers read them (they initialise later in the lifecycle).</summary>
internal sealed class SqliteSchema(string connectionString) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe<SqliteSchema>(ServiceLifecycleStage.RuntimeInitialize, Apply);

    private async Task Apply(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = await SchemaScripts.Read("sqlite-grain-storage.sql");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
