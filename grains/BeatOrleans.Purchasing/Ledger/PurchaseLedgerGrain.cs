using System.Globalization;
using System.Text;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Purchasing.Ledger;

[GenerateSerializer, Alias("purchasing.LedgerState")]
public sealed class LedgerState
{
    /// <summary>Purchase ids in the order they were placed.</summary>
    [Id(0)] public List<string> Purchases { get; set; } = [];

    /// <summary>Sales in the order they completed.</summary>
    [Id(1)] public List<Sale> Sales { get; set; } = [];
}

/// <summary>
/// A user's ledger. Entries are only appended, so a position in a list never changes meaning: a cursor is the
/// position where the next (older) page starts.
/// </summary>
public sealed class PurchaseLedgerGrain(
    [PersistentState("ledger", StorageNames.Documents)] IPersistentState<LedgerState> ledger) : Grain, IPurchaseLedgerGrain
{
    public async Task AddPurchase(string purchaseId)
    {
        if (!ledger.State.Purchases.Contains(purchaseId))
        {
            ledger.State.Purchases.Add(purchaseId);
            await ledger.WriteStateAsync();
        }
    }

    public async Task AddSale(Sale sale)
    {
        if (!ledger.State.Sales.Exists(s => s.PurchaseId == sale.PurchaseId))
        {
            ledger.State.Sales.Add(sale);
            await ledger.WriteStateAsync();
        }
    }

    public Task<LedgerPage<string>?> Purchases(int limit, string? cursor) => Task.FromResult(Page(ledger.State.Purchases, "p", limit, cursor));

    public Task<LedgerPage<Sale>?> Sales(int limit, string? cursor) => Task.FromResult(Page(ledger.State.Sales, "s", limit, cursor));

    public Task<IReadOnlyList<SalesTotal>> SalesTotals() => Task.FromResult<IReadOnlyList<SalesTotal>>(
        [.. ledger.State.Sales.GroupBy(s => s.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SalesTotal(g.Key, g.Sum(s => s.AmountMinor), g.Count()))]);

    /// <summary>Newest first from the cursor's position; null for a cursor this ledger did not give out.</summary>
    private static LedgerPage<T>? Page<T>(List<T> items, string kind, int limit, string? cursor)
    {
        var end = items.Count;
        if (cursor is not null && (!TryReadCursor(cursor, kind, out end) || end > items.Count))
        {
            return null;
        }

        var start = Math.Max(0, end - limit);
        var page = new List<T>(end - start);
        for (var i = end - 1; i >= start; i--)
        {
            page.Add(items[i]);
        }

        return new LedgerPage<T>(page, start > 0 ? WriteCursor(kind, start) : null);
    }

    private static string WriteCursor(string kind, int position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{kind}:{position.ToString(CultureInfo.InvariantCulture)}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryReadCursor(string cursor, string kind, out int position)
    {
        position = 0;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return text.StartsWith(kind + ":", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(kind.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out position)
                && position > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
