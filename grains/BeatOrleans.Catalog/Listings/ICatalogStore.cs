using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Catalog.Listings;

/// <summary>
/// The catalogue's query model: one row per beat, fed by <c>BeatListingChanged</c> events, searched without touching a
/// grain. Rows are versioned, so replays and late copies of older events change nothing.
/// </summary>
public interface ICatalogStore
{
    /// <summary>Stores <paramref name="entry"/> (or removes the beat from the listing when null) unless a newer version is stored.</summary>
    Task Apply(string beatId, long version, CatalogEntry? entry, CancellationToken cancellationToken);

    /// <summary>One page of listed beats; null when the cursor is not one this sort gave out.</summary>
    Task<CatalogPage?> Search(CatalogQuery query, CancellationToken cancellationToken);
}
