using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Purchasing;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Purchasing.Coupons;

/// <summary>One coupon in a producer's book: its definition, the purchases that used it and those holding a use.</summary>
[GenerateSerializer, Alias("purchasing.CouponEntry")]
public sealed class CouponEntry
{
    [Id(0)] public Coupon Coupon { get; set; } = null!;

    [Id(1)] public bool Deleted { get; set; }

    /// <summary>Completed purchases: each counted once, by its id.</summary>
    [Id(2)] public HashSet<string> Used { get; set; } = [];

    /// <summary>Purchases waiting for payment, each holding a use until the time given.</summary>
    [Id(3)] public Dictionary<string, DateTimeOffset> Held { get; set; } = [];

    /// <summary>The discount each holding or completed purchase was given, so a repeat answers the same.</summary>
    [Id(4)] public Dictionary<string, long> Discounts { get; set; } = [];

    /// <summary>
    /// Purchases given a use of this entry that have not closed yet, held or past their hold: only these count when
    /// paid. A code deleted and made again is a new entry, and a purchase of the old one is not a use of it.
    /// </summary>
    [Id(5)] public HashSet<string> Claimed { get; set; } = [];

    /// <summary>
    /// Purchases of this entry that closed unpaid, with when: a payment captured after its purchase closed (the
    /// buyer's browser racing the end of the window) is still a use, so it is remembered for
    /// <see cref="CouponBookGrain.LatePaymentWindow"/>.
    /// </summary>
    [Id(6)] public Dictionary<string, DateTimeOffset> Released { get; set; } = [];
}

[GenerateSerializer, Alias("purchasing.CouponBookState")]
public sealed class CouponBookState
{
    [Id(0)] public Dictionary<string, CouponEntry> Coupons { get; set; } = [];
}

/// <summary>
/// A producer's coupons. Uses are decided in this grain's turns, so the last use goes to exactly one of the purchases
/// racing for it: held when a purchase is placed, freed when it fails or its hold lapses (no one has to say so), and
/// counted when it completes, as the beat holds an exclusive for a purchase.
/// </summary>
internal sealed class CouponBookGrain(
    [PersistentState("coupons", StorageNames.Documents)] IPersistentState<CouponBookState> book,
    [FromKeyedServices(Clocks.Market)] TimeProvider market) : Grain, ICouponBookGrain
{
    /// <summary>How long a purchase that closed unpaid may still turn out to be paid, and count as a use.</summary>
    internal static readonly TimeSpan LatePaymentWindow = TimeSpan.FromDays(7);

    private Dictionary<string, CouponEntry> Coupons => book.State.Coupons;

    public async Task<CreateCouponOutcome> Create(Coupon coupon)
    {
        var code = CouponCodes.Normalize(coupon.Code);
        if (Coupons.TryGetValue(code, out var existing) && !existing.Deleted)
        {
            return existing.Coupon == coupon with { Code = code } ? CreateCouponOutcome.Created : CreateCouponOutcome.CodeTaken;
        }

        if (Coupons.Values.Count(e => !e.Deleted) >= CouponCodes.MaxPerProducer)
        {
            return CreateCouponOutcome.TooMany;
        }

        Coupons[code] = new CouponEntry { Coupon = coupon with { Code = code } };
        await book.WriteStateAsync();
        return CreateCouponOutcome.Created;
    }

    public Task<IReadOnlyList<CouponUsage>> List() => Task.FromResult<IReadOnlyList<CouponUsage>>(
        [.. Coupons.Values.Where(e => !e.Deleted).OrderByDescending(e => e.Coupon.CreatedAt).Select(Usage)]);

    public Task<CouponUsage?> Find(string code) => Task.FromResult(Entry(code) is { } entry ? Usage(entry) : null);

    public async Task<bool> Delete(string code)
    {
        if (Entry(code) is not { } entry)
        {
            return false;
        }

        entry.Deleted = true;
        await book.WriteStateAsync();
        return true;
    }

    public async Task<CouponApplication> Apply(CouponClaim claim)
    {
        if (Entry(claim.Code) is not { } entry)
        {
            return new CouponApplication(CouponOutcome.NotFound, 0, "No such coupon for this producer's beats.");
        }

        if (entry.Discounts.TryGetValue(claim.PurchaseId, out var given) && (entry.Held.ContainsKey(claim.PurchaseId) || entry.Used.Contains(claim.PurchaseId)))
        {
            return new CouponApplication(CouponOutcome.Applied, given, null);
        }

        var c = entry.Coupon;
        var now = market.GetUtcNow();
        if (c.ExpiresAt <= now)
        {
            return new CouponApplication(CouponOutcome.Expired, 0, "The coupon has expired.");
        }

        if ((c.BeatIds.Count > 0 && !c.BeatIds.Contains(claim.BeatId)) || (c.LicenseTypes.Count > 0 && !c.LicenseTypes.Contains(claim.LicenseType)))
        {
            return new CouponApplication(CouponOutcome.NotApplicable, 0, "The coupon is not valid for this beat or licence.");
        }

        var discount = c.PercentOff is { } percent
            ? (long)decimal.Round(claim.PriceMinor * percent / 100m, MidpointRounding.AwayFromZero)
            : string.Equals(c.Currency, claim.Currency, StringComparison.OrdinalIgnoreCase) ? c.AmountOffMinor ?? 0 : -1;
        if (discount < 0)
        {
            return new CouponApplication(CouponOutcome.NotApplicable, 0, $"The coupon takes {c.Currency} off; this licence is priced in {claim.Currency}.");
        }

        if (claim.PriceMinor - discount < Money.ToMinor(Money.MinimumCharge, claim.Currency))
        {
            return new CouponApplication(CouponOutcome.NotApplicable, 0,
                $"The coupon would leave less than {Money.Format(Money.MinimumCharge, claim.Currency)} to pay, the smallest "
                + "payment; it cannot be used for this licence.");
        }

        Lapse(entry, now);
        if (c.MaxUses is { } max && entry.Used.Count + entry.Held.Count >= max)
        {
            return new CouponApplication(CouponOutcome.UsedUp, 0, entry.Held.Count > 0
                ? "Every use of the coupon is taken or held by purchases waiting for payment."
                : "Every use of the coupon is taken.");
        }

        entry.Held[claim.PurchaseId] = claim.HoldUntil;
        entry.Discounts[claim.PurchaseId] = discount;
        entry.Claimed.Add(claim.PurchaseId);
        await book.WriteStateAsync();
        return new CouponApplication(CouponOutcome.Applied, discount, null);
    }

    public async Task Release(string code, string purchaseId)
    {
        if (Entry(code, includeDeleted: true) is { } entry
            && (entry.Held.Remove(purchaseId) | entry.Claimed.Remove(purchaseId)))
        {
            entry.Discounts.Remove(purchaseId);
            var now = market.GetUtcNow();
            var forgotten = entry.Released.Where(r => now - r.Value > LatePaymentWindow).Select(r => r.Key).ToList();
            foreach (var old in forgotten)
            {
                entry.Released.Remove(old);
            }

            entry.Released[purchaseId] = now;
            await book.WriteStateAsync();
        }
    }

    public async Task Commit(string code, string purchaseId)
    {
        // A payment captured after its hold lapsed, or after its purchase closed, is still counted: the buyer was
        // charged the discounted price. Held is asked too for holds written before Claimed was kept.
        if (Entry(code, includeDeleted: true) is { } entry
            && (entry.Claimed.Remove(purchaseId) | entry.Held.ContainsKey(purchaseId)
                | entry.Released.Remove(purchaseId))
            && entry.Used.Add(purchaseId))
        {
            entry.Held.Remove(purchaseId);
            await book.WriteStateAsync();
        }
    }

    private CouponEntry? Entry(string code, bool includeDeleted = false) =>
        Coupons.TryGetValue(CouponCodes.Normalize(code), out var entry) && (includeDeleted || !entry.Deleted) ? entry : null;

    private static void Lapse(CouponEntry entry, DateTimeOffset now)
    {
        foreach (var (purchaseId, until) in entry.Held.Where(h => h.Value <= now).ToList())
        {
            entry.Held.Remove(purchaseId);
            entry.Discounts.Remove(purchaseId);
        }
    }

    private CouponUsage Usage(CouponEntry entry)
    {
        var now = market.GetUtcNow();
        return new CouponUsage(entry.Coupon, entry.Used.Count, entry.Held.Count(h => h.Value > now));
    }
}
