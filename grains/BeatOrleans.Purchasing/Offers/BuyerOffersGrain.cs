using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Purchasing;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Purchasing.Offers;

[GenerateSerializer, Immutable, Alias("purchasing.AcceptedOffer")]
public sealed record AcceptedOffer(
    [property: Id(0)] string OfferId,
    [property: Id(1)] string BeatId,
    [property: Id(2)] string LicenseType,
    [property: Id(3)] DateTimeOffset BuyBefore);

[GenerateSerializer, Alias("purchasing.BuyerOffersState")]
public sealed class BuyerOffersState
{
    [Id(0)] public List<AcceptedOffer> Accepted { get; set; } = [];
}

/// <summary>A buyer's accepted offers, newest last; lapsed ones are dropped whenever the list is written.</summary>
internal sealed class BuyerOffersGrain(
    [PersistentState("buyerOffers", StorageNames.Documents)] IPersistentState<BuyerOffersState> offers,
    [FromKeyedServices(Clocks.Market)] TimeProvider market) : Grain, IBuyerOffersGrain
{
    public async Task Accepted(string offerId, string beatId, string licenseType, DateTimeOffset buyBefore)
    {
        var now = market.GetUtcNow();
        offers.State.Accepted.RemoveAll(a => a.OfferId == offerId || a.BuyBefore <= now);
        offers.State.Accepted.Add(new AcceptedOffer(offerId, beatId, licenseType, buyBefore));
        await offers.WriteStateAsync();
    }

    public async Task Forget(string offerId)
    {
        if (offers.State.Accepted.RemoveAll(a => a.OfferId == offerId) > 0)
        {
            await offers.WriteStateAsync();
        }
    }

    public Task<string?> Find(string beatId, string licenseType)
    {
        var now = market.GetUtcNow();
        return Task.FromResult(offers.State.Accepted.LastOrDefault(a => a.BeatId == beatId && a.LicenseType == licenseType && a.BuyBefore > now)?.OfferId);
    }
}
