using BeatOrleans.Contracts;
using Orleans.Concurrency;

namespace BeatOrleans.Purchasing.Ledger;

/// <summary>
/// Where one purchase's entry was put in one ledger list, keyed <c>{user}/{list}/{purchaseId}</c>; only its ledger head
/// calls it. The head's window of recent ids catches a retry that comes soon; this mark catches one that comes after
/// the window has moved on (a purchase whose own write was lost, retried by its reminder while a busy producer logged
/// hundreds of other sales), so a sale is never listed or totalled twice.
/// </summary>
[Alias("purchasing.ILedgerMarkGrain")]
internal interface ILedgerMarkGrain : IGrainWithStringKey
{
    /// <summary>The position recorded for the entry, if any.</summary>
    [ReadOnly, Alias("Position")]
    Task<int?> Position();

    /// <summary>Records the entry's position, before the entry is put there.</summary>
    [Alias("Set")]
    Task Set(int position);
}

[GenerateSerializer, Alias("purchasing.LedgerMarkState")]
public sealed class LedgerMarkState
{
    [Id(0)] public int? Position { get; set; }
}

internal sealed class LedgerMarkGrain(
    [PersistentState("mark", StorageNames.Documents)] IPersistentState<LedgerMarkState> mark) : Grain, ILedgerMarkGrain
{
    public Task<int?> Position() => Task.FromResult(mark.State.Position);

    public async Task Set(int position)
    {
        if (mark.State.Position != position)
        {
            mark.State.Position = position;
            await mark.WriteStateAsync();
        }

        // Nothing reads it again unless an add is repeated: the activation need not stay.
        DeactivateOnIdle();
    }
}
