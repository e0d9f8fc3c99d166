using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using BeatOrleans.Api.Catalog;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Api.Tests.Catalog;

/// <summary>What an API node answers from its cache of catalogue searches, and when it asks again.</summary>
public sealed class SearchCacheTests
{
    private static readonly CatalogQuery Newest =
        new(null, null, null, null, null, null, null, CatalogSort.Newest, 20, null);

    private readonly Caching.ManualClock clock = new();
    private readonly Catalogue catalogue = new();

    private SearchCache Cache(TimeSpan? duration = null, int maxEntries = 100)
    {
        SearchCacheOptions options = new() { Duration = duration ?? TimeSpan.FromSeconds(2), MaxEntries = maxEntries };
        return new SearchCache(catalogue.Search, options, clock);
    }

    [Fact]
    public async Task A_search_repeated_within_the_duration_gets_the_same_page_and_one_after_it_the_new_one()
    {
        var cache = Cache();
        catalogue.Listed = ["b1"];
        Assert.Equal(["b1"], Ids(await cache.Search(Newest)));

        catalogue.Listed = ["b2", "b1"];
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(["b1"], Ids(await cache.Search(Newest)));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(["b2", "b1"], Ids(await cache.Search(Newest)));
        Assert.Equal(2, catalogue.Reads);
    }

    [Fact]
    public async Task Searches_that_differ_in_any_field_are_asked_each()
    {
        var cache = Cache();
        catalogue.Listed = ["b1", "b2", "b3"];

        Assert.Equal(["b1", "b2", "b3"], Ids(await cache.Search(Newest)));
        Assert.Equal(["b1"], Ids(await cache.Search(Newest with { Limit = 1 })));
        Assert.Equal(["b1", "b2", "b3"], Ids(await cache.Search(Newest with { Text = "night" })));
        Assert.Equal(3, catalogue.Reads);
    }

    [Fact]
    public async Task Callers_of_one_search_at_once_wait_for_one_read()
    {
        var cache = Cache();
        catalogue.Listed = ["b1"];
        catalogue.Hold = new TaskCompletionSource();

        var callers = Enumerable.Range(0, 8).Select(_ => cache.Search(Newest)).ToList();
        catalogue.Hold.SetResult();

        foreach (var page in await Task.WhenAll(callers))
        {
            Assert.Equal(["b1"], Ids(page));
        }

        Assert.Equal(1, catalogue.Reads);
    }

    [Fact]
    public async Task A_failed_read_fails_its_callers_and_is_not_kept()
    {
        var cache = Cache();
        catalogue.Failure = new TimeoutException("the catalog silo did not answer");

        await Assert.ThrowsAsync<TimeoutException>(() => cache.Search(Newest));
        catalogue.Failure = null;
        catalogue.Listed = ["b1"];

        Assert.Equal(["b1"], Ids(await cache.Search(Newest)));
        Assert.Equal(1, cache.Count);
        Assert.Equal(2, catalogue.Reads);
    }

    [Fact]
    public async Task An_unknown_cursor_is_answered_as_the_catalogue_answered_it()
    {
        var cache = Cache();
        catalogue.Listed = ["b1"];
        var unknown = Newest with { Cursor = "not-a-cursor" };

        Assert.Null(await cache.Search(unknown));
        Assert.Null(await cache.Search(unknown));
    }

    [Fact]
    public async Task With_a_zero_duration_every_search_asks_the_catalogue()
    {
        var cache = Cache(TimeSpan.Zero);
        catalogue.Listed = ["b1"];
        await cache.Search(Newest);
        catalogue.Listed = ["b2"];

        Assert.Equal(["b2"], Ids(await cache.Search(Newest)));
        Assert.Equal(2, catalogue.Reads);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_full_cache_keeps_no_more_searches_and_makes_room_once_its_entries_lapse()
    {
        var cache = Cache(maxEntries: 2);
        catalogue.Listed = ["b1"];
        for (var limit = 1; limit <= 4; limit++)
        {
            await cache.Search(Newest with { Limit = limit });
        }

        Assert.Equal(2, cache.Count);
        await cache.Search(Newest with { Limit = 4 });
        Assert.Equal(5, catalogue.Reads);

        clock.Advance(TimeSpan.FromSeconds(2));
        await cache.Search(Newest with { Limit = 4 });
        await cache.Search(Newest with { Limit = 4 });
        Assert.Equal(6, catalogue.Reads);
    }

    [Fact]
    public async Task Each_search_is_counted_by_what_answered_it()
    {
        var answered = new ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is { Name: "beatorleans.catalog.searches", Meter.Name: "BeatOrleans.Api" })
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => answered.Add($"{tags[0].Key}={tags[0].Value}"));
        listener.Start();
        var cache = Cache();
        catalogue.Listed = ["b1"];

        await cache.Search(Newest);
        await cache.Search(Newest);

        Assert.Contains("answered=catalogue", answered);
        Assert.Contains("answered=cache", answered);
    }

    private static List<string> Ids(CatalogPage? page) => [.. page!.Items.Select(item => item.BeatId)];

    /// <summary>The catalogue's query model as the search grain answers it: the listed beats, in order.</summary>
    private sealed class Catalogue
    {
        private int reads;

        public IReadOnlyList<string> Listed { get; set; } = [];

        public TaskCompletionSource? Hold { get; set; }

        public Exception? Failure { get; set; }

        public int Reads => Volatile.Read(ref reads);

        public async Task<CatalogPage?> Search(CatalogQuery query)
        {
            Interlocked.Increment(ref reads);
            if (Hold is { } hold)
            {
                await hold.Task;
            }

            if (Failure is { } failure)
            {
                throw failure;
            }

            return query.Cursor is null ? new CatalogPage([.. Listed.Take(query.Limit).Select(Entry)], null) : null;
        }

        private static CatalogEntry Entry(string id) => new(id, "p1", $"Beat {id}", "Producer 1", "trap", 140, "Am", [],
            [new LicenseTier(LicenseTypes.Mp3Lease, 29.99m, "USD")], 29.99m, "USD", 180, 0, DateTimeOffset.UnixEpoch);
    }
}

/// <summary>A host whose nodes keep a search for a minute (the longest the setting allows).</summary>
public sealed class MinuteSearchCacheHost() : MarketplaceHost(new() { ["Catalog:SearchCache:Duration"] = "00:01:00" });

public sealed class CachedSearchTests(MinuteSearchCacheHost host) : IClassFixture<MinuteSearchCacheHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_search_repeated_within_the_cache_duration_is_answered_by_the_node_and_a_new_one_sees_a_change()
    {
        var account = await http.SignUp();
        var token = (await http.LogIn(account)).Token;
        var word = $"c{Guid.NewGuid():N}"[..12];
        var wav = await Audio.Tone(220, 1, "wav");
        var beat = await http.UploadBeat(token, wav, new() { ["title"] = $"{word} cached" });
        await http.WaitUntilProcessed(beat.Id());
        await NewSearchesUntil($"producer_id={account.UserId}", items => items.Count == 1);
        Assert.Single(await Items($"q={word}"));

        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat.Id()}/delete", token)).Body(HttpStatusCode.OK);
        await NewSearchesUntil($"producer_id={account.UserId}&sort=price_asc", items => items.Count == 0);

        Assert.Equal(beat.Id(), Assert.Single(await Items($"q={word}"))!["beat_id"]!.GetValue<string>());
        await (await http.GetAsync($"/api/beats/{beat.Id()}")).Problem(HttpStatusCode.NotFound);
    }

    private async Task<JsonArray> Items(string query) =>
        (await (await http.GetAsync($"/api/beats?{query}")).Body(HttpStatusCode.OK))["items"]!.AsArray();

    /// <summary>
    /// Polls <paramref name="query"/> with a price cap that filters nothing and changes on every try, so each try is a
    /// search the node has not asked before and reads the query model (a repeated one would get the kept page).
    /// </summary>
    private Task<JsonArray> NewSearchesUntil(string query, Func<JsonArray, bool> accept)
    {
        var tries = 0;
        return Eventually.Holds(() => Items($"{query}&price_max={100_000 + Interlocked.Increment(ref tries)}"), accept,
            TimeSpan.FromSeconds(30), items => $"search '{query}' never matched; last: {items.ToJsonString()}",
            TimeSpan.FromMilliseconds(200));
    }
}
