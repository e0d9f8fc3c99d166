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

    /// <summary>
    /// Creates the database's folder and file for this user alone (0700, 0600) when they do not exist yet: the file
    /// holds emails and password hashes, and SQLite would create it readable by every local user (0644). SQLite gives
    /// its -wal and -shm files the database file's mode. Existing folders and files keep the mode an operator chose.
    /// </summary>
    private static void EnsureDirectory(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:")
        {
            return;
        }

        var path = Path.GetFullPath(file);
        var directory = Path.GetDirectoryName(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory!);
            return;
        }

        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(
                directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (!File.Exists(path))
        {
            try
            {
                // An empty file is a new database to SQLite; created here, it gets the mode asked for, not the umask's.
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process of this data folder created it first.
            }
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
