using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Catalog;

/// <summary>A ready beat as the catalogue's query model lists it.</summary>
[GenerateSerializer, Immutable, Alias("catalog.CatalogEntry")]
public sealed record CatalogEntry(
    [property: Id(0)] string BeatId,
    [property: Id(1)] string ProducerId,
    [property: Id(2)] string Title,
    [property: Id(3)] string Artist,
    [property: Id(4)] string? Genre,
    [property: Id(5)] double? Bpm,
    [property: Id(6)] string? Key,
    [property: Id(7)] IReadOnlyList<string> Tags,
    [property: Id(8)] IReadOnlyList<LicenseTier> Licenses,
    [property: Id(9)] decimal Price,
    [property: Id(10)] string Currency,
    [property: Id(11)] double DurationSeconds,
    [property: Id(12)] long Plays,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] string? Cover = null);

[GenerateSerializer, Alias("catalog.CatalogSort")]
public enum CatalogSort
{
    Newest = 0,
    PriceAsc = 1,
    PriceDesc = 2,
    Popular = 3,
}

/// <summary>A search of the catalogue: full text, filters, one sort, and the cursor of the previous page.</summary>
[GenerateSerializer, Immutable, Alias("catalog.CatalogQuery")]
public sealed record CatalogQuery(
    [property: Id(0)] string? Text,
    [property: Id(1)] string? Genre,
    [property: Id(2)] string? ProducerId,
    [property: Id(3)] double? BpmMin,
    [property: Id(4)] double? BpmMax,
    [property: Id(5)] string? Key,
    [property: Id(6)] decimal? PriceMax,
    [property: Id(7)] CatalogSort Sort,
    [property: Id(8)] int Limit,
    [property: Id(9)] string? Cursor);

[GenerateSerializer, Immutable, Alias("catalog.CatalogPage")]
public sealed record CatalogPage(
    [property: Id(0)] IReadOnlyList<CatalogEntry> Items,
    [property: Id(1)] string? NextCursor);

/// <summary>Answers catalogue searches from the query model; any catalog silo can serve one.</summary>
[Alias("catalog.ICatalogSearchGrain")]
public interface ICatalogSearchGrain : IGrainWithIntegerKey
{
    /// <summary>One page of ready, listed beats; null when the cursor is not one this search gave out.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("Search")]
    Task<CatalogPage?> Search(CatalogQuery query);
}
