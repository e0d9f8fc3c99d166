using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Purchasing;

/// <summary>One sale as the producer's ledger keeps it: written once, when the licence is granted.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.Sale")]
public sealed record Sale(
    [property: Id(0)] string PurchaseId,
    [property: Id(1)] string BeatId,
    [property: Id(2)] string BeatTitle,
    [property: Id(3)] string LicenseType,
    [property: Id(4)] string BuyerId,
    [property: Id(5)] long AmountMinor,
    [property: Id(6)] string Currency,
    [property: Id(7)] DateTimeOffset SoldAt,
    [property: Id(8)] long DiscountMinor = 0,
    [property: Id(9)] string? Coupon = null,
    [property: Id(10)] string? OfferId = null,
    [property: Id(11)] bool Refunded = false);

/// <summary>A producer's earnings in one currency.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.SalesTotal")]
public sealed record SalesTotal(
    [property: Id(0)] string Currency,
    [property: Id(1)] long AmountMinor,
    [property: Id(2)] int Count);

/// <summary>A page of a ledger, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.LedgerPage`1")]
public sealed record LedgerPage<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] string? NextCursor);

/// <summary>
/// The answer to <see cref="IPurchaseLedgerGrain.Hold"/>: whether the purchase now counts among the buyer's holds, and
/// when not, the moment the first of the buyer's holds lapses on its own.
/// </summary>
[GenerateSerializer, Immutable, Alias("purchasing.HoldAnswer")]
public sealed record HoldAnswer(
    [property: Id(0)] bool Held,
    [property: Id(1)] DateTimeOffset? FirstLapse);

/// <summary>A user's purchases as a buyer and sales as a producer, keyed by the user id; entries are only ever added.</summary>
/// <remarks>Version 1 added <see cref="RefundSale"/> (Orleans moves a version 1 call off a version 0 one).</remarks>
[Alias("purchasing.IPurchaseLedgerGrain"), Orleans.CodeGeneration.Version(1)]
public interface IPurchaseLedgerGrain : IGrainWithStringKey
{
    /// <summary>The user placed this purchase (a repeat is ignored).</summary>
    [Alias("AddPurchase")]
    Task AddPurchase(string purchaseId);

    /// <summary>
    /// Counts an unpaid purchase of the user's that holds something scarce (an exclusive licence, a coupon use) until
    /// <paramref name="until"/>, unless the user has <paramref name="limit"/> such holds already. A repeat for the
    /// same purchase is answered as the first; a hold stops counting at <paramref name="until"/> or at
    /// <see cref="EndHold"/>.
    /// </summary>
    [Alias("Hold")]
    Task<HoldAnswer> Hold(string purchaseId, DateTimeOffset until, int limit);

    /// <summary>The purchase holds nothing any more: paid, failed, expired or refused (a repeat is ignored).</summary>
    [Alias("EndHold")]
    Task EndHold(string purchaseId);

    /// <summary>The user sold a licence (a repeat is ignored).</summary>
    [Alias("AddSale")]
    Task AddSale(Sale sale);

    /// <summary>Purchase ids, newest first; null when the cursor is not one this ledger gave out.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("Purchases")]
    Task<LedgerPage<string>?> Purchases(int limit, string? cursor);

    /// <summary>Sales, newest first; null when the cursor is not one this ledger gave out.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("Sales")]
    Task<LedgerPage<Sale>?> Sales(int limit, string? cursor);

    /// <summary>Earnings per currency over every sale.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("SalesTotals")]
    Task<IReadOnlyList<SalesTotal>> SalesTotals();

    /// <summary>
    /// A sale was refunded in full: it leaves the totals, and the list shows it refunded (a repeat, or a sale this
    /// ledger never had, is ignored).
    /// </summary>
    [Alias("RefundSale")]
    Task RefundSale(string purchaseId, long amountMinor, string currency);
}
