namespace BeatOrleans.Purchasing.Offers;

/// <summary>The offers a buyer had accepted, keyed by buyer id, so a purchase without an offer id finds its price.</summary>
[Alias("purchasing.IBuyerOffersGrain")]
internal interface IBuyerOffersGrain : IGrainWithStringKey
{
    [Alias("Accepted")]
    Task Accepted(string offerId, string beatId, string licenseType, DateTimeOffset buyBefore);

    [Alias("Forget")]
    Task Forget(string offerId);

    /// <summary>The newest accepted offer for this beat and tier that may still be bought, or null.</summary>
    [Alias("Find")]
    Task<string?> Find(string beatId, string licenseType);
}
