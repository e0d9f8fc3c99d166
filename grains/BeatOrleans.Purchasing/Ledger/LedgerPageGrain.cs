using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Purchasing;
using Orleans.Concurrency;

namespace BeatOrleans.Purchasing.Ledger;

/// <summary>An entry of a ledger list: a purchase id, and for a sale the sale itself.</summary>
[GenerateSerializer, Immutable, Alias("purchasing.LedgerEntry")]
public sealed record LedgerEntry([property: Id(0)] string PurchaseId, [property: Id(1)] Sale? Sale);

/// <summary>One page of a ledger list, keyed <c>{user}/{list}/{page}</c>; only its ledger head calls it.</summary>
[Alias("purchasing.ILedgerPageGrain")]
internal interface ILedgerPageGrain : IGrainWithStringKey
{
    /// <summary>Sets the entry at this slot: the next free one, or an orphan left by a head that died before its write.</summary>
    [Alias("Put")]
    Task Put(int slot, LedgerEntry entry);

    [ReadOnly, Alias("Entries")]
    Task<IReadOnlyList<LedgerEntry>> Entries();
}

[GenerateSerializer, Alias("purchasing.LedgerPageState")]
public sealed class LedgerPageState
{
    [Id(0)] public List<LedgerEntry> Entries { get; set; } = [];
}

internal sealed class LedgerPageGrain(
    [PersistentState("page", StorageNames.Documents)] IPersistentState<LedgerPageState> page) : Grain, ILedgerPageGrain
{
    /// <summary>Entries per page: a page write stays small, and a list page of up to 100 reads at most two.</summary>
    public const int Size = 100;

    public async Task Put(int slot, LedgerEntry entry)
    {
        var entries = page.State.Entries;
        if (slot < entries.Count)
        {
            entries[slot] = entry;
        }
        else
        {
            entries.Add(entry);
        }

        await page.WriteStateAsync();
    }

    public Task<IReadOnlyList<LedgerEntry>> Entries() => Task.FromResult<IReadOnlyList<LedgerEntry>>(page.State.Entries);
}
