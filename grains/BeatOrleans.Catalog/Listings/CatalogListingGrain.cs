using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Events;
using Orleans.Concurrency;
using Orleans.Streams;

namespace BeatOrleans.Catalog.Listings;

/// <summary>
/// Writes one beat's listing changes into the query model. A change that comes by stream is acknowledged to the beat;
/// one the beat sends by call (its retry) is acknowledged by the call's return, so the two never wait on each other.
/// </summary>
[ImplicitStreamSubscription(BeatListingChanged.Namespace)]
internal sealed class CatalogListingGrain(ICatalogStore store) : Grain, ICatalogListingGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(StorageNames.Events)
            .GetStream<BeatListingChanged>(StreamId.Create(BeatListingChanged.Namespace, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((change, _) => ApplyStreamed(change));
    }

    public Task Store(long version, CatalogEntry? entry) => store.Apply(this.GetPrimaryKeyString(), version, entry, CancellationToken.None);

    private async Task ApplyStreamed(BeatListingChanged change)
    {
        await Store(change.Version, change.Entry);
        await GrainFactory.GetGrain<IBeatGrain>(change.BeatId).AcknowledgeListing(change.Version);
    }
}

/// <summary>Stateless: any catalog silo answers a search from the query model.</summary>
[StatelessWorker]
internal sealed class CatalogSearchGrain(ICatalogStore store) : Grain, ICatalogSearchGrain
{
    public Task<CatalogPage?> Search(CatalogQuery query) => store.Search(query, CancellationToken.None);
}
