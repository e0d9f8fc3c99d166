using BeatOrleans.Contracts.Catalog;
using Orleans.Concurrency;

namespace BeatOrleans.Catalog.Listings;

/// <summary>
/// Writes one beat's listing into the query model (key: the beat id). It follows the beat's listing stream; the beat
/// calls it directly for a version the stream has not brought in within the retry period.
/// </summary>
[Alias("catalog.ICatalogListingGrain")]
internal interface ICatalogListingGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores <paramref name="entry"/> (null: the beat leaves the listing) as <paramref name="version"/> unless a newer
    /// version is stored; on return the query model holds it or a newer one. Interleaves: a versioned write is safe
    /// beside another, and a stream delivery waiting on the beat's acknowledgement must not block the beat's own call.
    /// </summary>
    [AlwaysInterleave, Alias("Store")]
    Task Store(long version, CatalogEntry? entry);
}
