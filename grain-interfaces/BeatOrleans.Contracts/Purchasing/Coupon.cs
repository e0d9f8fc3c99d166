using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Purchasing;

/// <summary>
/// A producer's discount code: a percentage or a fixed amount off, for some or all of their beats and tiers, until
/// <see cref="ExpiresAt"/> and for at most <see cref="MaxUses"/> completed purchases (null: no limit).
/// </summary>
[GenerateSerializer, Immutable, Alias("purchasing.Coupon")]
public sealed record Coupon(
    [property: Id(0)] string Code,
    [property: Id(1)] int? PercentOff,
    [property: Id(2)] long? AmountOffMinor,
    [property: Id(3)] string? Currency,
    [property: Id(4)] IReadOnlyList<string> BeatIds,
    [property: Id(5)] IReadOnlyList<string> LicenseTypes,
    [property: Id(6)] DateTimeOffset? ExpiresAt,
    [property: Id(7)] int? MaxUses,
    [property: Id(8)] DateTimeOffset CreatedAt);

/// <summary>A coupon with its counts: completed uses and purchases holding a use while they wait for payment.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.CouponUsage")]
public sealed record CouponUsage(
    [property: Id(0)] Coupon Coupon,
    [property: Id(1)] int Uses,
    [property: Id(2)] int Reserved);

[GenerateSerializer, Alias("purchasing.CouponOutcome")]
public enum CouponOutcome
{
    Applied = 0,
    NotFound = 1,
    Expired = 2,

    /// <summary>Every use is taken (completed or held by a purchase waiting for payment).</summary>
    UsedUp = 3,

    /// <summary>Not valid for this beat, tier or currency, or it would leave nothing to pay.</summary>
    NotApplicable = 4,
}

/// <summary>What a coupon takes off one purchase (minor units), or why it does not apply.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.CouponApplication")]
public sealed record CouponApplication(
    [property: Id(0)] CouponOutcome Outcome,
    [property: Id(1)] long DiscountMinor,
    [property: Id(2)] string? Detail);

/// <summary>A purchase asking for a coupon's discount: the use is held for it until <see cref="HoldUntil"/>.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.CouponClaim")]
public sealed record CouponClaim(
    [property: Id(0)] string Code,
    [property: Id(1)] string PurchaseId,
    [property: Id(2)] string BeatId,
    [property: Id(3)] string LicenseType,
    [property: Id(4)] long PriceMinor,
    [property: Id(5)] string Currency,
    [property: Id(6)] DateTimeOffset HoldUntil);

[GenerateSerializer, Alias("purchasing.CreateCouponOutcome")]
public enum CreateCouponOutcome
{
    Created = 0,
    CodeTaken = 1,

    /// <summary>The producer has <see cref="CouponCodes.MaxPerProducer"/> coupons already.</summary>
    TooMany = 2,
}

/// <summary>
/// A producer's coupons, keyed by producer id. Each use is held for a purchase when it is placed, released when the
/// purchase fails or its hold lapses, and counted when it completes: one grain turn decides each, so two buyers
/// racing for the last use get one use between them.
/// </summary>
[Alias("purchasing.ICouponBookGrain")]
public interface ICouponBookGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<CreateCouponOutcome> Create(Coupon coupon);

    [Alias("List")]
    Task<IReadOnlyList<CouponUsage>> List();

    /// <summary>The coupon by its code (any letter case), or null.</summary>
    [Alias("Find")]
    Task<CouponUsage?> Find(string code);

    /// <summary>Ends a coupon: no new purchase may use it (purchases already holding a use keep it).</summary>
    [Alias("Delete")]
    Task<bool> Delete(string code);

    /// <summary>Holds a use for a purchase and answers its discount; a repeat by the same purchase answers the same.</summary>
    [Alias("Apply")]
    Task<CouponApplication> Apply(CouponClaim claim);

    /// <summary>The purchase will not complete: its held use is free again.</summary>
    [Alias("Release")]
    Task Release(string code, string purchaseId);

    /// <summary>The purchase completed: its use counts (once, however often this is repeated).</summary>
    [Alias("Commit")]
    Task Commit(string code, string purchaseId);
}

/// <summary>Coupon codes: 3 to 32 of A-Z, 0-9, '-' and '_', compared without letter case.</summary>
public static class CouponCodes
{
    public const int MaxLength = 32;

    /// <summary>Coupons one producer may have at once (deleted ones do not count).</summary>
    public const int MaxPerProducer = 1000;

    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    public static bool IsValid(string? code) =>
        code is not null && Normalize(code) is { Length: >= 3 and <= MaxLength } c && c.All(ch => ch is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_');
}
