using System.Data.Common;
using BeatOrleans.Contracts.Catalog;
using Microsoft.Data.Sqlite;

namespace BeatOrleans.Catalog.Listings;

/// <summary>The embedded profile's query model: a table in the silo's SQLite file, searched through an FTS5 index.</summary>
public sealed class SqliteCatalogStore(string connectionString) : SqlCatalogStore
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS catalog_beats (
            beat_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            listed INTEGER NOT NULL,
            producer_id TEXT,
            genre TEXT,
            musical_key TEXT,
            bpm REAL,
            price_cents INTEGER,
            plays INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            document TEXT);
        CREATE INDEX IF NOT EXISTS catalog_beats_newest ON catalog_beats (listed, created_ms DESC, beat_id DESC);
        CREATE INDEX IF NOT EXISTS catalog_beats_price ON catalog_beats (listed, price_cents, beat_id);
        CREATE INDEX IF NOT EXISTS catalog_beats_popular ON catalog_beats (listed, plays DESC, beat_id DESC);
        CREATE INDEX IF NOT EXISTS catalog_beats_producer ON catalog_beats (producer_id);
        CREATE VIRTUAL TABLE IF NOT EXISTS catalog_text USING fts5(
            beat_id UNINDEXED, title, artist, tags, tokenize = 'unicode61 remove_diacritics 2');
        """;

    protected override string UpsertSql => """
        INSERT INTO catalog_beats (beat_id, version, listed, producer_id, genre, musical_key, bpm, price_cents, plays, created_ms, document)
        VALUES (@id, @version, @listed, @producer, @genre, @musical_key, @bpm, @price, @plays, @created, @document)
        ON CONFLICT (beat_id) DO UPDATE SET
            version = excluded.version, listed = excluded.listed, producer_id = excluded.producer_id, genre = excluded.genre,
            musical_key = excluded.musical_key, bpm = excluded.bpm, price_cents = excluded.price_cents, plays = excluded.plays,
            created_ms = excluded.created_ms, document = excluded.document
        WHERE excluded.version > catalog_beats.version
        """;

    protected override DbConnection CreateConnection() => new SqliteConnection(connectionString);

    protected override async Task CreateSchema(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, Schema);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override string TextPredicate(DbCommand command, IReadOnlyList<string> terms)
    {
        // Each term quoted (so it is never FTS syntax) and a prefix: "dri" finds "drill".
        Add(command, "text", string.Join(' ', terms.Select(t => $"\"{t}\"*")));
        return "beat_id IN (SELECT beat_id FROM catalog_text WHERE catalog_text MATCH @text)";
    }

    protected override async Task AfterUpsert(DbConnection connection, DbTransaction transaction, string beatId, CatalogEntry? entry, CancellationToken cancellationToken)
    {
        await using var delete = Command(connection, "DELETE FROM catalog_text WHERE beat_id = @id");
        delete.Transaction = transaction;
        Add(delete, "id", beatId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        if (entry is null)
        {
            return;
        }

        await using var insert = Command(connection, "INSERT INTO catalog_text (beat_id, title, artist, tags) VALUES (@id, @title, @artist, @tags)");
        insert.Transaction = transaction;
        Add(insert, "id", beatId);
        Add(insert, "title", Fold(entry.Title));
        Add(insert, "artist", Fold(entry.Artist));
        Add(insert, "tags", Fold(string.Join(' ', entry.Tags)));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
