using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Contracts.Events;

/// <summary>
/// A beat's master waits for processing. Namespace <see cref="Namespace"/>, stream key = the beat id. The beat
/// publishes it again on its reminder until processing reports back, so a lost event or a crashed processor delays a
/// beat but never strands it.
/// </summary>
[GenerateSerializer, Immutable, Alias("events.BeatUploaded")]
public sealed record BeatUploaded(
    [property: Id(0)] string BeatId,
    [property: Id(1)] string ProducerId,
    [property: Id(2)] StoredFile Master)
{
    public const string Namespace = "catalog-media";
}

/// <summary>
/// A beat's listing changed: <see cref="Entry"/> is what the catalogue lists, or null when the beat left it (deleted,
/// sold, failed). Namespace <see cref="Namespace"/>, stream key = the beat id. Versions only grow, so the query model
/// keeps the newest whatever order copies arrive in; the beat republishes until <see cref="Version"/> is acknowledged.
/// </summary>
[GenerateSerializer, Immutable, Alias("events.BeatListingChanged")]
public sealed record BeatListingChanged(
    [property: Id(0)] string BeatId,
    [property: Id(1)] long Version,
    [property: Id(2)] CatalogEntry? Entry)
{
    public const string Namespace = "catalog-listings";
}
