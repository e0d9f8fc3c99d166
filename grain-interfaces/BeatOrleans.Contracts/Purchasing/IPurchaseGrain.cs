using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Purchasing;

/// <summary>What a buyer asks to buy; <see cref="RequestHash"/> fingerprints the request behind an Idempotency-Key.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.PurchaseOrder")]
public sealed record PurchaseOrder(
    [property: Id(0)] string BuyerId,
    [property: Id(1)] string BeatId,
    [property: Id(2)] string LicenseType,
    [property: Id(3)] string RequestHash,
    [property: Id(4)] string? OfferId = null,
    [property: Id(5)] string? Coupon = null,
    [property: Id(6)] bool Keyed = true);

[GenerateSerializer, Alias("purchasing.OrderOutcome")]
public enum OrderOutcome
{
    Created = 0,
    BeatNotFound = 1,
    OwnBeat = 2,
    NoSuchLicense = 3,
    NotReady = 4,
    Sold = 5,
    Held = 6,

    /// <summary>This purchase id (an Idempotency-Key) was first used for another request.</summary>
    KeyReused = 7,

    /// <summary>The payment provider could not be reached; nothing is held and nothing will be charged.</summary>
    GatewayUnavailable = 8,

    /// <summary>The payment provider refused to create the payment; nothing is held and nothing will be charged.</summary>
    PaymentRefused = 9,

    /// <summary>The named offer does not exist or is not the buyer's.</summary>
    OfferNotFound = 10,

    /// <summary>The offer cannot price this purchase: another beat or tier, not accepted, used, expired or void.</summary>
    OfferUnavailable = 11,

    /// <summary>The producer has no coupon with this code.</summary>
    CouponNotFound = 12,

    /// <summary>The coupon cannot be used for this purchase: expired, used up, or not for this beat, tier or currency.</summary>
    CouponUnavailable = 13,

    /// <summary>The buyer has as many unpaid purchases holding an exclusive or a coupon use as one buyer may.</summary>
    TooManyHolds = 14,
}

/// <summary>The answer to an order: the first answer again when the order is repeated.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.OrderResult")]
public sealed record OrderResult(
    [property: Id(0)] OrderOutcome Outcome,
    [property: Id(1)] Purchase? Purchase,
    [property: Id(2)] string? Detail);

[GenerateSerializer, Alias("purchasing.ConfirmOutcome")]
public enum ConfirmOutcome
{
    Completed = 0,
    Declined = 1,
    NotFound = 2,

    /// <summary>The purchase can no longer be paid: failed, expired, refunded, or the beat sold meanwhile.</summary>
    Closed = 3,

    /// <summary>The payment method is not one the provider knows.</summary>
    InvalidPaymentMethod = 4,

    /// <summary>The outcome is not known yet (the provider did not answer, or the payment is processing): the purchase settles on its own.</summary>
    Pending = 5,

    /// <summary>The payment needs a step outside the server (3-D Secure): the client completes it with the client secret.</summary>
    ActionRequired = 6,
}

[GenerateSerializer, Immutable, Alias("purchasing.ConfirmResult")]
public sealed record ConfirmResult(
    [property: Id(0)] ConfirmOutcome Outcome,
    [property: Id(1)] Purchase? Purchase,
    [property: Id(2)] string? Detail);

/// <summary>One purchase, keyed by its purchase id: holds the beat, takes the payment, grants the licence, and reconciles after any crash.</summary>
[Alias("purchasing.IPurchaseGrain")]
public interface IPurchaseGrain : IGrainWithStringKey
{
    /// <summary>Holds the beat (exclusive), creates the payment and answers pending_payment; a repeat answers the first result.</summary>
    [Alias("Place")]
    Task<OrderResult> Place(PurchaseOrder order);

    /// <summary>The buyer pays with a payment method: completed, or declined (failed, hold released).</summary>
    [Alias("Confirm")]
    Task<ConfirmResult> Confirm(string buyerId, string paymentMethod);

    /// <summary>The purchase, or null when there is none under this id.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetPurchase")]
    Task<Purchase?> GetPurchase();

    /// <summary>The provider says the payment changed (a webhook): the purchase reads the payment's current state and acts on it; false when it could not (the provider should deliver again).</summary>
    [Alias("PaymentChanged")]
    Task<bool> PaymentChanged(string eventId);
}
