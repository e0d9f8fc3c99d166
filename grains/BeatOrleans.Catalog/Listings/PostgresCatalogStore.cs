using System.Data.Common;
using Npgsql;

namespace BeatOrleans.Catalog.Listings;

/// <summary>The cluster's query model: a PostgreSQL table with a generated tsvector column and a GIN index.</summary>
public sealed class PostgresCatalogStore(NpgsqlDataSource dataSource) : SqlCatalogStore
{
    // Two silos starting at once may both create the schema: an advisory lock makes the second one wait.
    private const string Schema = """
        SELECT pg_advisory_xact_lock(727274001);
        CREATE TABLE IF NOT EXISTS catalog_beats (
            beat_id text PRIMARY KEY,
            version bigint NOT NULL,
            listed integer NOT NULL,
            producer_id text,
            genre text,
            musical_key text,
            bpm double precision,
            price_cents bigint,
            plays bigint NOT NULL,
            created_ms bigint NOT NULL,
            search_text text NOT NULL DEFAULT '',
            document text,
            search tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED);
        CREATE INDEX IF NOT EXISTS catalog_beats_search ON catalog_beats USING gin (search);
        CREATE INDEX IF NOT EXISTS catalog_beats_newest ON catalog_beats (listed, created_ms DESC, beat_id DESC);
        CREATE INDEX IF NOT EXISTS catalog_beats_price ON catalog_beats (listed, price_cents, beat_id);
        CREATE INDEX IF NOT EXISTS catalog_beats_popular ON catalog_beats (listed, plays DESC, beat_id DESC);
        CREATE INDEX IF NOT EXISTS catalog_beats_producer ON catalog_beats (producer_id);
        """;

    protected override string UpsertSql => """
        INSERT INTO catalog_beats (beat_id, version, listed, producer_id, genre, musical_key, bpm, price_cents, plays, created_ms, search_text, document)
        VALUES (@id, @version, @listed, @producer, @genre, @musical_key, @bpm, @price, @plays, @created, @search_text, @document)
        ON CONFLICT (beat_id) DO UPDATE SET
            version = excluded.version, listed = excluded.listed, producer_id = excluded.producer_id, genre = excluded.genre,
            musical_key = excluded.musical_key, bpm = excluded.bpm, price_cents = excluded.price_cents, plays = excluded.plays,
            created_ms = excluded.created_ms, search_text = excluded.search_text, document = excluded.document
        WHERE excluded.version > catalog_beats.version
        """;

    protected override DbConnection CreateConnection() => dataSource.CreateConnection();

    protected override async Task CreateSchema(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, Schema);
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    protected override string TextPredicate(DbCommand command, IReadOnlyList<string> terms)
    {
        // Terms are letters and digits only; ':*' makes each a prefix, '&' requires all of them.
        Add(command, "text", string.Join(" & ", terms.Select(t => $"{t}:*")));
        return "search @@ to_tsquery('simple', @text)";
    }
}
