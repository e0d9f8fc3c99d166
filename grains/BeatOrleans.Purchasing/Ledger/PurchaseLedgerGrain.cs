using System.Buffers.Text;
using System.Globalization;
using System.Text;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Purchasing;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Purchasing.Ledger;

/// <summary>The head of a user's ledger: how many entries each list has, the earnings, and the newest ids (to drop a repeat).</summary>
[GenerateSerializer, Alias("purchasing.LedgerState")]
public sealed class LedgerState
{
    [Id(0)] public int Purchases { get; set; }

    [Id(1)] public int Sales { get; set; }

    /// <summary>Earnings per currency: amount in minor units and number of sales.</summary>
    [Id(2)] public Dictionary<string, SalesTotal> Totals { get; set; } = [];

    /// <summary>The purchase ids of the newest entries of both lists; a repeated add comes from a retry soon after the first.</summary>
    [Id(3)] public List<string> Recent { get; set; } = [];

    /// <summary>The user's unpaid purchases that hold something scarce, with the end of their payment window.</summary>
    [Id(4)] public Dictionary<string, DateTimeOffset> Holds { get; set; } = [];

    /// <summary>The purchase ids of sales refunded in full (they stay listed, marked, and leave the totals).</summary>
    [Id(5)] public HashSet<string> RefundedSales { get; set; } = [];
}

/// <summary>
/// A user's ledger, keyed by the user id. The entries live in pages of <see cref="LedgerPageGrain.Size"/>
/// (<c>{user}/{list}/{page}</c>), so adding one writes one page and this small head, never the whole history: a
/// producer's ten-thousandth sale costs what the first did. Entries are only appended, so a position never changes
/// meaning, and a cursor is the position where the next (older) page starts. A purchase is listed once per list
/// however late its add is repeated: the head remembers the newest ids, and a mark per entry
/// (<see cref="ILedgerMarkGrain"/>) the position of each.
/// </summary>
internal sealed class PurchaseLedgerGrain(
    [PersistentState("ledger", StorageNames.Documents)] IPersistentState<LedgerState> ledger,
    [FromKeyedServices(Clocks.Market)] TimeProvider market) : Grain, IPurchaseLedgerGrain
{
    private const int RecentKept = 256;
    private const string PurchasesList = "p";
    private const string SalesList = "s";

    private LedgerState State => ledger.State;

    public async Task AddPurchase(string purchaseId)
    {
        if (await Append(PurchasesList, State.Purchases, new LedgerEntry(purchaseId, null)))
        {
            State.Purchases++;
            await Remember(PurchasesList, purchaseId);
        }
    }

    public async Task<HoldAnswer> Hold(string purchaseId, DateTimeOffset until, int limit)
    {
        // A hold whose window closed holds nothing (the beat and the coupon book let it go at the same moment), so it
        // is dropped here whether or not its purchase said so.
        var now = market.GetUtcNow();
        var lapsed = State.Holds.Where(h => h.Value <= now).Select(h => h.Key).ToList();
        lapsed.ForEach(id => State.Holds.Remove(id));
        if (State.Holds.ContainsKey(purchaseId))
        {
            return new HoldAnswer(true, null);
        }

        if (State.Holds.Count >= limit)
        {
            if (lapsed.Count > 0)
            {
                await ledger.WriteStateAsync();
            }

            return new HoldAnswer(false, State.Holds.Values.Min());
        }

        State.Holds[purchaseId] = until;
        await ledger.WriteStateAsync();
        return new HoldAnswer(true, null);
    }

    public async Task EndHold(string purchaseId)
    {
        if (State.Holds.Remove(purchaseId))
        {
            await ledger.WriteStateAsync();
        }
    }

    public async Task AddSale(Sale sale)
    {
        if (await Append(SalesList, State.Sales, new LedgerEntry(sale.PurchaseId, sale)))
        {
            State.Sales++;
            var total = State.Totals.GetValueOrDefault(sale.Currency) ?? new SalesTotal(sale.Currency, 0, 0);
            State.Totals[sale.Currency] = total with { AmountMinor = total.AmountMinor + sale.AmountMinor, Count = total.Count + 1 };
            await Remember(SalesList, sale.PurchaseId);
        }
    }

    public async Task<LedgerPage<string>?> Purchases(int limit, string? cursor) =>
        await Read(PurchasesList, State.Purchases, limit, cursor) is { } page
            ? new LedgerPage<string>([.. page.Entries.Select(e => e.PurchaseId)], page.NextCursor)
            : null;

    public async Task<LedgerPage<Sale>?> Sales(int limit, string? cursor) =>
        await Read(SalesList, State.Sales, limit, cursor) is { } page
            ? new LedgerPage<Sale>([.. page.Entries.Select(e => AsListed(e.Sale!))], page.NextCursor)
            : null;

    private Sale AsListed(Sale sale) =>
        State.RefundedSales.Contains(sale.PurchaseId) ? sale with { Refunded = true } : sale;

    public async Task RefundSale(string purchaseId, long amountMinor, string currency)
    {
        if (State.RefundedSales.Contains(purchaseId) || State.Totals.GetValueOrDefault(currency) is not { } total)
        {
            return;
        }

        State.RefundedSales.Add(purchaseId);
        var left = total with
        {
            AmountMinor = Math.Max(0, total.AmountMinor - amountMinor), Count = Math.Max(0, total.Count - 1),
        };
        if (left.Count == 0)
        {
            State.Totals.Remove(currency);
        }
        else
        {
            State.Totals[currency] = left;
        }

        await ledger.WriteStateAsync();
    }

    public Task<IReadOnlyList<SalesTotal>> SalesTotals() =>
        Task.FromResult<IReadOnlyList<SalesTotal>>([.. State.Totals.Values.OrderBy(t => t.Currency, StringComparer.Ordinal)]);

    private bool Seen(string list, string purchaseId) => State.Recent.Contains($"{list}:{purchaseId}");

    /// <summary>
    /// Puts a new entry at <paramref name="count"/>, the list's next slot, and answers true; false if the purchase is
    /// listed already. The caller then counts it and writes the head. The page is written first: if this activation
    /// dies before the head is written, the next entry takes the same slot.
    /// </summary>
    private async Task<bool> Append(string list, int count, LedgerEntry entry)
    {
        if (Seen(list, entry.PurchaseId))
        {
            return false;
        }

        // Read first, written only to append: a mark is never moved off the slot that lists its entry.
        var mark = GrainFactory.GetGrain<ILedgerMarkGrain>($"{this.GetPrimaryKeyString()}/{list}/{entry.PurchaseId}");
        if (await mark.Position() is { } earlier && earlier < count
            && (await Page(list, earlier).Entries()) is var stored && earlier % LedgerPageGrain.Size < stored.Count
            && stored[earlier % LedgerPageGrain.Size].PurchaseId == entry.PurchaseId)
        {
            // Listed by an add whose answer was lost too long ago for the recent ids to tell.
            return false;
        }

        await mark.Set(count);
        await Page(list, count).Put(count % LedgerPageGrain.Size, entry);
        return true;
    }

    private async Task Remember(string list, string purchaseId)
    {
        State.Recent.Add($"{list}:{purchaseId}");
        if (State.Recent.Count > RecentKept)
        {
            State.Recent.RemoveAt(0);
        }

        await ledger.WriteStateAsync();
    }

    private ILedgerPageGrain Page(string list, int position) =>
        GrainFactory.GetGrain<ILedgerPageGrain>($"{this.GetPrimaryKeyString()}/{list}/{position / LedgerPageGrain.Size}");

    /// <summary>Newest first from the cursor's position, reading at most two pages; null for a cursor this list did not give out.</summary>
    private async Task<(List<LedgerEntry> Entries, string? NextCursor)?> Read(string list, int count, int limit, string? cursor)
    {
        var end = count;
        if (cursor is not null && (!TryReadCursor(cursor, list, out end) || end > count))
        {
            return null;
        }

        var start = Math.Max(0, end - limit);
        var entries = new List<LedgerEntry>(end - start);
        for (var page = (end - 1) / LedgerPageGrain.Size; end > start && page >= start / LedgerPageGrain.Size; page--)
        {
            var stored = await Page(list, page * LedgerPageGrain.Size).Entries();
            var first = Math.Max(start, page * LedgerPageGrain.Size);
            for (var position = Math.Min(end, (page + 1) * LedgerPageGrain.Size) - 1; position >= first; position--)
            {
                entries.Add(stored[position - (page * LedgerPageGrain.Size)]);
            }
        }

        return (entries, start > 0 ? WriteCursor(list, start) : null);
    }

    private static string WriteCursor(string list, int position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{list}:{position.ToString(CultureInfo.InvariantCulture)}"));

    private static bool TryReadCursor(string cursor, string list, out int position)
    {
        position = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith(list + ":", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(list.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out position)
                && position > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
