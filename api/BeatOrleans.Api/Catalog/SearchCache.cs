using System.Collections.Concurrent;
using BeatOrleans.Api.Telemetry;
using BeatOrleans.Contracts.Catalog;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Catalog;

/// <summary>Section <c>Catalog:SearchCache</c>: how long an API node may answer a search it asked before.</summary>
public sealed class SearchCacheOptions
{
    public const string Section = "Catalog:SearchCache";

    /// <summary>Zero asks the catalogue on every search.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most searches a node keeps; a search past it is asked, not kept.</summary>
    public int MaxEntries { get; set; } = 1_000;
}

/// <summary>
/// The pages of the searches this node asked in the last <see cref="SearchCacheOptions.Duration"/>. Browsing is the
/// busiest public path and the same few searches (the first page of each sort and genre) come again and again, from
/// anyone: each one otherwise costs a grain call and a query of the shared PostgreSQL query model (docs/BENCHMARKS.md).
/// A search's answer does not depend on who asks, so every caller shares the page. The query model is already
/// eventually consistent (listings reach it by stream); this adds at most the duration to what a search may miss. Many
/// callers of one search that is not kept wait for one read; a read that fails is not kept.
/// </summary>
public sealed class SearchCache
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<CatalogQuery, Entry> entries = new();
    private readonly Func<CatalogQuery, Task<CatalogPage?>> read;
    private readonly TimeProvider clock;
    private readonly TimeSpan duration;
    private readonly int maxEntries;
    private long nextSweep;

    public SearchCache(IGrainFactory grains, IOptions<SearchCacheOptions> options, TimeProvider clock)
        : this(query => grains.GetGrain<ICatalogSearchGrain>(0).Search(query), options.Value, clock)
    {
    }

    /// <param name="read">Asks the catalogue (the search grain).</param>
    public SearchCache(Func<CatalogQuery, Task<CatalogPage?>> read, SearchCacheOptions options, TimeProvider clock)
    {
        this.read = read;
        this.clock = clock;
        duration = options.Duration;
        maxEntries = options.MaxEntries;
    }

    public int Count => entries.Count;

    /// <summary>The page of <paramref name="query"/>; null when its cursor is not one this search gave out.</summary>
    public Task<CatalogPage?> Search(CatalogQuery query)
    {
        if (duration <= TimeSpan.Zero)
        {
            return Read(query);
        }

        var now = clock.GetUtcNow().UtcTicks;
        if (entries.TryGetValue(query, out var known) && known.Expires > now)
        {
            return Kept(known);
        }

        if (entries.Count >= maxEntries && !Sweep(now))
        {
            return Read(query);
        }

        // One read per search at a time: the callers that find this entry before it completes wait for its read.
        var entry = new Entry(now + duration.Ticks);
        var stored = known is null ? entries.TryAdd(query, entry) : entries.TryUpdate(query, entry, known);
        if (!stored)
        {
            return entries.TryGetValue(query, out var other) ? Kept(other) : Read(query);
        }

        entry.Start(Read(query), () => entries.TryRemove(new KeyValuePair<CatalogQuery, Entry>(query, entry)));
        return entry.Page;
    }

    private static Task<CatalogPage?> Kept(Entry entry)
    {
        ApiMetrics.Searched("cache");
        return entry.Page;
    }

    private Task<CatalogPage?> Read(CatalogQuery query)
    {
        ApiMetrics.Searched("catalogue");
        return read(query);
    }

    /// <summary>Drops lapsed entries, at most once a second; true when there is room afterwards.</summary>
    private bool Sweep(long now)
    {
        var due = Interlocked.Read(ref nextSweep);
        if (now >= due && Interlocked.CompareExchange(ref nextSweep, now + SweepInterval.Ticks, due) == due)
        {
            foreach (var (query, entry) in entries)
            {
                if (entry.Expires <= now)
                {
                    entries.TryRemove(new KeyValuePair<CatalogQuery, Entry>(query, entry));
                }
            }
        }

        return entries.Count < maxEntries;
    }

    private sealed class Entry(long expires)
    {
        private readonly TaskCompletionSource<CatalogPage?> page =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Expires { get; } = expires;

        public Task<CatalogPage?> Page => page.Task;

        public void Start(Task<CatalogPage?> read, Action forget) => _ = Complete(read, forget);

        private async Task Complete(Task<CatalogPage?> read, Action forget)
        {
            try
            {
                page.SetResult(await read);
            }
            catch (Exception exception)
            {
                // Not kept: the next search asks again. The waiting callers get the failure (a 503, as any grain call).
                forget();
                page.SetException(exception);
            }
        }
    }
}
