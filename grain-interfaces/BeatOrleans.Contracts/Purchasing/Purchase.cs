using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Contracts.Purchasing;

/// <summary>Where a purchase is, as buyers and producers see it.</summary>
[GenerateSerializer, Alias("purchasing.PurchaseStatus")]
public enum PurchaseStatus
{
    /// <summary>Waiting for the buyer's payment (the beat is held for an exclusive).</summary>
    PendingPayment = 0,

    /// <summary>The payment is being confirmed or was captured and the licence is being granted.</summary>
    Processing = 1,

    /// <summary>Paid and licensed: the buyer can download.</summary>
    Completed = 2,

    /// <summary>The payment was declined; nothing was charged and any hold is released.</summary>
    Failed = 3,

    /// <summary>Not paid before the payment window closed; any hold is released.</summary>
    Expired = 4,

    /// <summary>The payment was captured but the licence could not be granted (the beat sold meanwhile): refunded in full.</summary>
    Refunded = 5,
}

/// <summary>A file the licence delivers, in blob storage.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.DeliverableFile")]
public sealed record DeliverableFile(
    [property: Id(0)] string Name,
    [property: Id(1)] StoredFile File);

/// <summary>The payment of a purchase as the client needs it: the provider, its payment id and, for client-side confirmation, the secret.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.PaymentInfo")]
public sealed record PaymentInfo(
    [property: Id(0)] string Provider,
    [property: Id(1)] string? PaymentId,
    [property: Id(2)] string? ClientSecret);

/// <summary>One purchase of one licence of one beat, with what was bought as it was at the time.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.Purchase")]
public sealed record Purchase(
    [property: Id(0)] string PurchaseId,
    [property: Id(1)] string BuyerId,
    [property: Id(2)] string ProducerId,
    [property: Id(3)] string BeatId,
    [property: Id(4)] string BeatTitle,
    [property: Id(5)] string LicenseType,
    [property: Id(6)] long AmountMinor,
    [property: Id(7)] string Currency,
    [property: Id(8)] PurchaseStatus Status,
    [property: Id(9)] LicenseTerms Terms,
    [property: Id(10)] PaymentInfo Payment,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset? CompletedAt,
    [property: Id(13)] DateTimeOffset? PayBefore,
    [property: Id(14)] string? FailureReason,
    [property: Id(15)] IReadOnlyList<DeliverableFile> Files,
    [property: Id(16)] PurchasePricing? Pricing = null,
    [property: Id(17)] double? Bpm = null,
    [property: Id(18)] string? Key = null,
    [property: Id(19)] string? BuyerName = null,
    [property: Id(20)] string? ProducerName = null)
{
    /// <summary>The tier's price before any offer or coupon (the amount itself when neither applied).</summary>
    public long ListAmountMinor => Pricing?.ListAmountMinor ?? AmountMinor;
}

/// <summary>How a purchase's amount came about: the tier's list price, less a coupon's discount, or an accepted offer's price.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.PurchasePricing")]
public sealed record PurchasePricing(
    [property: Id(0)] long ListAmountMinor,
    [property: Id(1)] long DiscountMinor,
    [property: Id(2)] string? Coupon,
    [property: Id(3)] string? OfferId);
