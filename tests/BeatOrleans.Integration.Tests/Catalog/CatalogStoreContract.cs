using BeatOrleans.Catalog.Listings;
using BeatOrleans.Contracts.Catalog;
using Npgsql;

namespace BeatOrleans.Integration.Tests.Catalog;

/// <summary>One search contract, run against both query models: SQLite (embedded) and PostgreSQL (cluster).</summary>
public abstract class CatalogStoreContract
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract ICatalogStore Store { get; }

    private static CatalogEntry Entry(string id, string title, string genre, double bpm, decimal price, long plays, int minutes, string producer = "p1", params string[] tags) =>
        new(id, producer, title, "Artist " + producer, genre, bpm, "Am", tags, [new LicenseTier(LicenseTypes.Mp3Lease, price, "USD")], price, "USD", 60, plays, Start.AddMinutes(minutes));

    private async Task Seed()
    {
        await Store.Apply("b1", 1, Entry("b1", "Midnight Drill", "drill", 140, 20, 5, 1, "p1", "dark"), default);
        await Store.Apply("b2", 1, Entry("b2", "Sunny Lofi", "lofi", 80, 10, 50, 2, "p2", "chill"), default);
        await Store.Apply("b3", 1, Entry("b3", "Drill Séance", "drill", 150, 30, 1, 3, "p1", "dark", "uk"), default);
        await Store.Apply("b4", 1, Entry("b4", "Rainy Keys", "lofi", 85, 15, 20, 4, "p2"), default);
    }

    private async Task<List<string>> Ids(CatalogQuery query) => [.. (await Store.Search(query, default))!.Items.Select(i => i.BeatId)];

    private static CatalogQuery Query(string? text = null, CatalogSort sort = CatalogSort.Newest, int limit = 20, string? genre = null,
        double? bpmMin = null, double? bpmMax = null, decimal? priceMax = null, string? producer = null, string? cursor = null) =>
        new(text, genre, producer, bpmMin, bpmMax, null, priceMax, sort, limit, cursor);

    [Fact]
    public async Task Full_text_finds_words_and_prefixes_in_title_artist_and_tags_ignoring_case_and_accents()
    {
        await Seed();
        Assert.Equal(["b3", "b1"], await Ids(Query("drill")));
        Assert.Equal(["b3", "b1"], await Ids(Query("DRI")));
        Assert.Equal(["b3"], await Ids(Query("drill seance")));
        Assert.Equal(["b3"], await Ids(Query("uk")));
        Assert.Equal(["b4", "b2"], await Ids(Query("artist p2")));
        Assert.Empty(await Ids(Query("trap")));
        // Full-text syntax in the search box is only words: it finds the beats with those words, and never fails.
        Assert.Equal(["b3", "b1"], await Ids(Query("\"drill*\" (:&|!)")));
    }

    [Fact]
    public async Task Filters_combine()
    {
        await Seed();
        Assert.Equal(["b3", "b1"], await Ids(Query(genre: "DRILL")));
        Assert.Equal(["b4", "b2"], await Ids(Query(bpmMax: 90)));
        Assert.Equal(["b3"], await Ids(Query(bpmMin: 145)));
        Assert.Equal(["b4", "b2"], await Ids(Query(priceMax: 15)));
        Assert.Equal(["b3", "b1"], await Ids(Query(producer: "p1")));
        Assert.Equal(["b1"], await Ids(Query("drill", priceMax: 25, producer: "p1")));
    }

    [Fact]
    public async Task Sorts_order_by_newest_price_and_popularity()
    {
        await Seed();
        Assert.Equal(["b4", "b3", "b2", "b1"], await Ids(Query()));
        Assert.Equal(["b2", "b4", "b1", "b3"], await Ids(Query(sort: CatalogSort.PriceAsc)));
        Assert.Equal(["b3", "b1", "b4", "b2"], await Ids(Query(sort: CatalogSort.PriceDesc)));
        Assert.Equal(["b2", "b4", "b1", "b3"], await Ids(Query(sort: CatalogSort.Popular)));
    }

    [Theory]
    [InlineData(CatalogSort.Newest)]
    [InlineData(CatalogSort.PriceAsc)]
    [InlineData(CatalogSort.PriceDesc)]
    [InlineData(CatalogSort.Popular)]
    public async Task Cursor_pages_visit_every_beat_once_in_order(CatalogSort sort)
    {
        await Seed();
        var all = await Ids(Query(sort: sort));
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await Store.Search(Query(sort: sort, limit: 3, cursor: cursor), default))!;
            seen.AddRange(page.Items.Select(i => i.BeatId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(all, seen);
    }

    [Fact]
    public async Task A_cursor_of_another_sort_or_made_up_is_refused()
    {
        await Seed();
        var page = (await Store.Search(Query(limit: 1), default))!;
        Assert.Null(await Store.Search(Query(sort: CatalogSort.PriceAsc, cursor: page.NextCursor), default));
        Assert.Null(await Store.Search(Query(cursor: "garbage"), default));
    }

    [Fact]
    public async Task Newer_versions_win_whatever_order_they_arrive_in_and_removed_beats_leave()
    {
        await Seed();
        await Store.Apply("b1", 3, Entry("b1", "Renamed Anthem", "drill", 140, 20, 5, 1), default);
        await Store.Apply("b1", 2, Entry("b1", "Stale Title", "drill", 140, 20, 5, 1), default);
        Assert.Equal(["b1"], await Ids(Query("anthem")));
        Assert.Empty(await Ids(Query("stale")));

        await Store.Apply("b1", 4, null, default);
        await Store.Apply("b1", 3, Entry("b1", "Renamed Anthem", "drill", 140, 20, 5, 1), default);
        Assert.Empty(await Ids(Query("anthem")));
        Assert.DoesNotContain("b1", await Ids(Query()));
    }
}

public sealed class SqliteCatalogStoreTests : CatalogStoreContract, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("beatorleans-catalog-").FullName;
    private readonly SqliteCatalogStore store;

    public SqliteCatalogStoreTests() => store = new SqliteCatalogStore($"Data Source={Path.Combine(folder, "catalog.db")}");

    protected override ICatalogStore Store => store;

    public void Dispose()
    {
        store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class PostgresCatalogStoreTests : CatalogStoreContract, IAsyncLifetime, IDisposable
{
    private readonly string database = $"catalog_{Guid.NewGuid():N}"[..24];
    private PostgresCatalogStore? store;
    private NpgsqlDataSource? dataSource;

    protected override ICatalogStore Store => store!;

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(TestServers.Postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = database }.ConnectionString);
        store = new PostgresCatalogStore(dataSource);
    }

    public void Dispose() => store?.Dispose();

    public async Task DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }

        await using var admin = new NpgsqlConnection(TestServers.Postgres);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
