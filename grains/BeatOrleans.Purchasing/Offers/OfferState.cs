using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Purchasing.Offers;

[GenerateSerializer, Alias("purchasing.OfferState")]
public sealed class OfferState
{
    [Id(0)] public Offer? Offer { get; set; }

    /// <summary>Until when the purchase named by <see cref="Offer.PurchaseId"/> holds the price; a purchase that never closes lapses then.</summary>
    [Id(1)] public DateTimeOffset? RedeemedUntil { get; set; }

    [Id(2)] public List<IntegrationEvent> Events { get; set; } = [];

    /// <summary>Chat messages written with the step they report, posted after the write (again, after a crash).</summary>
    [Id(3)] public List<Outgoing> Chat { get; set; } = [];
}
