using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Events;
using Orleans.Concurrency;
using Orleans.Streams;

namespace BeatOrleans.Catalog.Listings;

/// <summary>Writes one beat's listing changes into the query model, then tells the beat which version is stored.</summary>
[ImplicitStreamSubscription(BeatListingChanged.Namespace)]
public sealed class CatalogListingGrain(ICatalogStore store) : Grain, IGrainWithStringKey
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(StorageNames.Events)
            .GetStream<BeatListingChanged>(StreamId.Create(BeatListingChanged.Namespace, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((change, _) => Apply(change));
    }

    private async Task Apply(BeatListingChanged change)
    {
        await store.Apply(change.BeatId, change.Version, change.Entry, CancellationToken.None);
        await GrainFactory.GetGrain<IBeatGrain>(change.BeatId).AcknowledgeListing(change.Version);
    }
}

/// <summary>Stateless: any catalog silo answers a search from the query model.</summary>
[StatelessWorker]
public sealed class CatalogSearchGrain(ICatalogStore store) : Grain, ICatalogSearchGrain
{
    public Task<CatalogPage?> Search(CatalogQuery query) => store.Search(query, CancellationToken.None);
}
