using System.Data.Common;
using System.Text;
using System.Text.Json;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Catalog.Listings;

/// <summary>
/// What the SQLite and PostgreSQL query models share: the columns, the filters, the sorts and keyset paging. Each
/// dialect adds its schema, its upsert and its full-text predicate (SQLite FTS5, PostgreSQL tsvector).
/// </summary>
public abstract class SqlCatalogStore : ICatalogStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim schemaGate = new(1);
    private volatile bool schemaReady;

    public async Task Apply(string beatId, long version, CatalogEntry? entry, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = Command(connection, UpsertSql))
        {
            upsert.Transaction = transaction;
            Add(upsert, "id", beatId);
            Add(upsert, "version", version);
            Add(upsert, "listed", entry is null ? 0 : 1);
            Add(upsert, "producer", entry?.ProducerId);
            Add(upsert, "genre", entry?.Genre?.ToUpperInvariant());
            // One spelling per key ("F minor" is FM), as the key filter looks for it.
            Add(upsert, "musical_key", MusicalKeys.Normalize(entry?.Key)?.ToUpperInvariant());
            Add(upsert, "bpm", entry?.Bpm);
            Add(upsert, "price", entry is null ? null : Cents(entry.Price));
            Add(upsert, "plays", entry?.Plays ?? 0);
            Add(upsert, "created", entry?.CreatedAt.ToUnixTimeMilliseconds() ?? 0);
            Add(upsert, "search_text", entry is null ? "" : Fold($"{entry.Title} {entry.Artist} {string.Join(' ', entry.Tags)}"));
            Add(upsert, "document", entry is null ? null : JsonSerializer.Serialize(entry, Json));
            var changed = await upsert.ExecuteNonQueryAsync(cancellationToken) > 0;
            if (changed)
            {
                await AfterUpsert(connection, transaction, beatId, entry, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<CatalogPage?> Search(CatalogQuery query, CancellationToken cancellationToken)
    {
        CatalogCursor? after = null;
        if (query.Cursor is not null && (after = CatalogCursor.Decode(query.Cursor, query.Sort)) is null)
        {
            return null;
        }

        await using var connection = await Open(cancellationToken);
        await using var command = Command(connection, "");
        var where = new List<string> { "listed = 1" };
        var terms = SearchTerms(query.Text);
        if (terms.Count > 0)
        {
            where.Add(TextPredicate(command, terms));
        }

        Filter(command, where, "genre = @genre", "genre", query.Genre?.ToUpperInvariant());
        // The key in its one spelling, or as typed: listings stored before keys had one spelling ("F MINOR").
        Filter(command, where, "musical_key IN (@musical_key, @typed_key)", "musical_key",
            MusicalKeys.Normalize(query.Key)?.ToUpperInvariant());
        if (query.Key is not null)
        {
            Add(command, "typed_key", query.Key.Trim().ToUpperInvariant());
        }
        Filter(command, where, "producer_id = @producer", "producer", query.ProducerId);
        Filter(command, where, "bpm >= @bpm_min", "bpm_min", query.BpmMin);
        Filter(command, where, "bpm <= @bpm_max", "bpm_max", query.BpmMax);
        Filter(command, where, "price_cents <= @price_max", "price_max", query.PriceMax is { } max ? Cents(max) : null);
        var (column, descending) = query.Sort switch
        {
            CatalogSort.PriceAsc => ("price_cents", false),
            CatalogSort.PriceDesc => ("price_cents", true),
            CatalogSort.Popular => ("plays", true),
            _ => ("created_ms", true),
        };
        if (after is not null)
        {
            var op = descending ? "<" : ">";
            where.Add($"({column} {op} @after_value OR ({column} = @after_value AND beat_id {op} @after_id))");
            Add(command, "after_value", after.Value);
            Add(command, "after_id", after.BeatId);
        }

        var direction = descending ? "DESC" : "ASC";
        command.CommandText = $"SELECT document, {column} FROM catalog_beats WHERE {string.Join(" AND ", where)} "
            + $"ORDER BY {column} {direction}, beat_id {direction} LIMIT @limit";
        Add(command, "limit", query.Limit + 1);

        var items = new List<(CatalogEntry Entry, long SortValue)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add((JsonSerializer.Deserialize<CatalogEntry>(reader.GetString(0), Json)!, reader.GetInt64(1)));
            }
        }

        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = new CatalogCursor(query.Sort, items[^1].SortValue, items[^1].Entry.BeatId).Encode();
        }

        return new CatalogPage([.. items.Select(i => i.Entry)], next);
    }

    public void Dispose()
    {
        schemaGate.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates tables and indexes if missing; safe to run from every silo at once.</summary>
    protected abstract Task CreateSchema(DbConnection connection, CancellationToken cancellationToken);

    protected abstract DbConnection CreateConnection();

    /// <summary>Inserts or updates the row only when <c>@version</c> is newer than the stored one.</summary>
    protected abstract string UpsertSql { get; }

    /// <summary>The dialect's full-text predicate for all <paramref name="terms"/> (each a prefix), with its parameters.</summary>
    protected abstract string TextPredicate(DbCommand command, IReadOnlyList<string> terms);

    /// <summary>Runs after a row changed, in the same transaction (SQLite keeps its FTS table here).</summary>
    protected virtual Task AfterUpsert(DbConnection connection, DbTransaction transaction, string beatId, CatalogEntry? entry, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    protected static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Words of the search box: letters and digits only, so no input can break the full-text syntax.</summary>
    private static List<string> SearchTerms(string? text)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        var word = new StringBuilder();
        foreach (var c in Fold(text) + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                terms.Add(word.ToString());
                word.Clear();
            }
        }

        return [.. terms.Distinct().Take(8)];
    }

    /// <summary>
    /// Lower case without accents, so "Séance" and "seance" are one word in both dialects. A table, not Unicode
    /// decomposition: the build runs with invariant globalization, where string.Normalize leaves accents in place.
    /// </summary>
    protected static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (c < 0x80 || !Accents.TryGetValue(c, out var plain))
            {
                folded.Append(c);
            }
            else
            {
                folded.Append(plain);
            }
        }

        return folded.ToString();
    }

    private static readonly Dictionary<char, string> Accents = BuildAccents();

    private static Dictionary<char, string> BuildAccents()
    {
        var table = new Dictionary<char, string> { ['ß'] = "ss", ['æ'] = "ae", ['œ'] = "oe", ['ø'] = "o", ['đ'] = "d", ['ł'] = "l", ['ı'] = "i" };
        foreach (var (plain, accented) in new[]
        {
            ("a", "àáâãäåāăą"), ("c", "çćĉċč"), ("d", "ď"), ("e", "èéêëēĕėęě"), ("g", "ĝğġģ"), ("h", "ĥħ"), ("i", "ìíîïĩīĭį"),
            ("j", "ĵ"), ("k", "ķ"), ("l", "ĺļľŀ"), ("n", "ñńņňŉ"), ("o", "òóôõöōŏő"), ("r", "ŕŗř"), ("s", "śŝşš"), ("t", "ţťŧ"),
            ("u", "ùúûüũūŭůűų"), ("w", "ŵ"), ("y", "ýÿŷ"), ("z", "źżž"),
        })
        {
            foreach (var c in accented)
            {
                table[c] = plain;
            }
        }

        return table;
    }

    private static long Cents(decimal price) => (long)Math.Round(price * 100, MidpointRounding.AwayFromZero);

    private static void Filter(DbCommand command, List<string> where, string clause, string name, object? value)
    {
        if (value is not null)
        {
            where.Add(clause);
            Add(command, name, value);
        }
    }

    private async Task<DbConnection> Open(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        if (!schemaReady)
        {
            await schemaGate.WaitAsync(cancellationToken);
            try
            {
                if (!schemaReady)
                {
                    await CreateSchema(connection, cancellationToken);
                    schemaReady = true;
                }
            }
            finally
            {
                schemaGate.Release();
            }
        }

        return connection;
    }
}
