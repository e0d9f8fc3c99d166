using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Purchasing;

/// <summary>Where an offer stands. Only <see cref="Open"/> can be answered; only <see cref="Accepted"/> prices a purchase.</summary>
[GenerateSerializer, Alias("purchasing.OfferStatus")]
public enum OfferStatus
{
    Open = 0,
    Accepted = 1,
    Declined = 2,

    /// <summary>Answered with a counter-offer, which is an offer of its own.</summary>
    Countered = 3,

    Withdrawn = 4,

    /// <summary>Not answered in time, or accepted and not bought in time.</summary>
    Expired = 5,

    /// <summary>The beat can no longer be sold this way (the exclusive sold meanwhile, the beat deleted or the tier dropped).</summary>
    Void = 6,

    /// <summary>Accepted and bought: the purchase it priced completed.</summary>
    Purchased = 7,
}

/// <summary>
/// A price proposed for one licence tier of a beat between its producer and one buyer. The maker is the buyer for a
/// first offer and whoever countered for a counter-offer; the other party answers it.
/// </summary>
[GenerateSerializer, Immutable, Alias("purchasing.Offer")]
public sealed record Offer(
    [property: Id(0)] string OfferId,
    [property: Id(1)] string BeatId,
    [property: Id(2)] string BeatTitle,
    [property: Id(3)] string LicenseType,
    [property: Id(4)] string BuyerId,
    [property: Id(5)] string ProducerId,
    [property: Id(6)] string MakerId,
    [property: Id(7)] long AmountMinor,
    [property: Id(8)] string Currency,
    [property: Id(9)] string? Message,
    [property: Id(10)] OfferStatus Status,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset ExpiresAt,
    [property: Id(13)] string? CounterOf,
    [property: Id(14)] string? CounterOfferId,
    [property: Id(15)] DateTimeOffset? AnsweredAt,
    [property: Id(16)] DateTimeOffset? BuyBefore,
    [property: Id(17)] string? PurchaseId,
    [property: Id(18)] string? Reason)
{
    /// <summary>The party who answers the offer.</summary>
    public string RecipientId => MakerId == BuyerId ? ProducerId : BuyerId;

    public bool IsParty(string userId) => userId == BuyerId || userId == ProducerId;
}

/// <summary>What a maker proposes: a first offer (the buyer's) or a counter-offer (<see cref="CounterOf"/> set).</summary>
[GenerateSerializer, Immutable, Alias("purchasing.OfferDraft")]
public sealed record OfferDraft(
    [property: Id(0)] string MakerId,
    [property: Id(1)] string BeatId,
    [property: Id(2)] string LicenseType,
    [property: Id(3)] long AmountMinor,
    [property: Id(4)] string Currency,
    [property: Id(5)] string? Message,
    [property: Id(6)] string? CounterOf = null,
    [property: Id(7)] string? BuyerId = null);

[GenerateSerializer, Alias("purchasing.OfferOutcome")]
public enum OfferOutcome
{
    Done = 0,

    /// <summary>No such offer, or the caller is not one of its two parties.</summary>
    NotFound = 1,

    /// <summary>The caller is a party but may not take this step (e.g. accepting their own offer).</summary>
    Forbidden = 2,

    /// <summary>The offer is no longer open (answered, withdrawn, expired, void): another step won.</summary>
    Conflict = 3,

    /// <summary>The offer's terms are invalid for this beat (own beat, tier not offered, another currency, not for sale).</summary>
    Invalid = 4,
}

/// <summary>The answer to a step on an offer: the offer as it now stands, the counter-offer a counter made, or why not.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.OfferResult")]
public sealed record OfferResult(
    [property: Id(0)] OfferOutcome Outcome,
    [property: Id(1)] Offer? Offer,
    [property: Id(2)] string? Detail,
    [property: Id(3)] Offer? Counter = null)
{
    public static OfferResult Refused(OfferOutcome outcome, string detail, Offer? offer = null) => new(outcome, offer, detail);
}

[GenerateSerializer, Alias("purchasing.RedeemOutcome")]
public enum RedeemOutcome
{
    Redeemed = 0,
    NotFound = 1,

    /// <summary>The offer is for another beat or tier than the purchase.</summary>
    Mismatch = 2,

    /// <summary>Not accepted, or no longer valid.</summary>
    Unavailable = 3,

    /// <summary>Accepted, and pricing another purchase of the buyer's that waits for payment.</summary>
    Busy = 4,
}

/// <summary>An accepted offer's price for a purchase, reserved for it until the purchase completes or fails.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.Redemption")]
public sealed record Redemption(
    [property: Id(0)] RedeemOutcome Outcome,
    [property: Id(1)] long AmountMinor,
    [property: Id(2)] string? Currency,
    [property: Id(3)] string? Detail);

/// <summary>One offer, keyed by its offer id: the single writer of its state, so concurrent answers get one winner.</summary>
[Alias("purchasing.IOfferGrain")]
public interface IOfferGrain : IGrainWithStringKey
{
    /// <summary>Opens the offer and posts it in the parties' chat; a repeat answers the offer as it stands.</summary>
    [Alias("Make")]
    Task<OfferResult> Make(OfferDraft draft);

    /// <summary>The offer, or null when there is none or the caller is not one of its parties.</summary>
    [Alias("GetOffer")]
    Task<Offer?> GetOffer(string callerId);

    /// <summary>The recipient accepts: the offer then prices the buyer's purchase of that tier (an exclusive is held meanwhile).</summary>
    [Alias("Accept")]
    Task<OfferResult> Accept(string callerId);

    /// <summary>The recipient declines.</summary>
    [Alias("Decline")]
    Task<OfferResult> Decline(string callerId);

    /// <summary>The maker takes the open offer back.</summary>
    [Alias("Withdraw")]
    Task<OfferResult> Withdraw(string callerId);

    /// <summary>The recipient answers with another price: this offer is countered and the counter-offer is opened.</summary>
    [Alias("Counter")]
    Task<OfferResult> Counter(string callerId, long amountMinor, string? message);

    /// <summary>A purchase takes the accepted offer's price until <paramref name="holdUntil"/> (a repeat by the same purchase answers the same).</summary>
    [Alias("Redeem")]
    Task<Redemption> Redeem(string purchaseId, string buyerId, string beatId, string licenseType, DateTimeOffset holdUntil);

    /// <summary>The purchase it priced will not complete: the offer is accepted again (or void, with <paramref name="voidReason"/>).</summary>
    [Alias("Release")]
    Task Release(string purchaseId, string? voidReason);

    /// <summary>The purchase it priced completed: the offer is used up.</summary>
    [Alias("Complete")]
    Task Complete(string purchaseId);

    /// <summary>
    /// A paid purchase takes the offer's price for good, just before its licence is granted: null once the offer is
    /// this purchase's (a repeat answers the same), else the id of the purchase that used it first.
    /// </summary>
    [Alias("Use")]
    Task<string?> Use(string purchaseId);

    /// <summary>The id of another purchase that used the offer up, or null: asked before one is charged.</summary>
    [Alias("UsedBy")]
    Task<string?> UsedBy(string purchaseId);
}

public static class OfferNames
{
    /// <summary>The holder name under which an accepted exclusive offer holds its beat.</summary>
    public static string HoldId(string offerId) => $"offer:{offerId}";

    /// <summary>The status as the contract spells it.</summary>
    public static string StatusName(OfferStatus status) => status.ToString().ToLowerInvariant();
}
