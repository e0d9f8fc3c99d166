using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Api.Purchasing;

public sealed record CreateCouponRequest(
    string? Code, int? PercentOff, decimal? AmountOff, string? Currency, IReadOnlyList<string>? BeatIds, IReadOnlyList<string>? LicenseTypes,
    DateTimeOffset? ExpiresAt, int? MaxUses);

/// <summary>A coupon as its producer sees it: <c>uses</c> completed purchases, <c>reserved</c> purchases waiting for payment.</summary>
public sealed record CouponResponse(
    string Code, int? PercentOff, decimal? AmountOff, string? Currency, IReadOnlyList<string> BeatIds, IReadOnlyList<string> LicenseTypes,
    DateTimeOffset? ExpiresAt, int? MaxUses, int Uses, int Reserved, DateTimeOffset CreatedAt)
{
    public static CouponResponse From(CouponUsage u)
    {
        var c = u.Coupon;
        return new(c.Code, c.PercentOff, c.AmountOffMinor is { } off ? Money.ToMajor(off, c.Currency!) : null, c.Currency, c.BeatIds, c.LicenseTypes,
            c.ExpiresAt, c.MaxUses, u.Uses, u.Reserved, c.CreatedAt);
    }
}

public sealed record CouponsResponse(IReadOnlyList<CouponResponse> Coupons, string? NextCursor);

public sealed record CouponDeletedResponse(string Code, bool Deleted);
