using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Events;
using Orleans.Concurrency;

namespace BeatOrleans.Outbox;

[GenerateSerializer, Alias("outbox.OutboxIndexState")]
public sealed class OutboxIndexState
{
    [Id(0)] public HashSet<GrainId> Members { get; set; } = [];
}

/// <summary>
/// One shard of the grains that may hold unpublished events. A grain enrols once per activation that produces events
/// and leaves when a sweep finds its outbox empty and the grain quiet.
/// </summary>
/// <remarks>
/// The shard's state is its whole member set, so its writes are what to spare. Enrolments that arrive while a write
/// is in flight are stored together by the next write (group commit), and each is answered once a write holding it
/// is done: a burst of new producers costs a few writes, not one each. The shard is reentrant, decided here rather
/// than by the callers' interface, so during a rolling upgrade an older shard, which writes without a gate, is never
/// sent interleaving calls by newer callers. A departure is not written at once: it reaches storage with the next
/// write, or the next sweep's claim. Lost in a crash, it costs one more wake-up of a grain whose outbox is empty,
/// which then leaves again.
/// </remarks>
[Reentrant]
internal sealed class OutboxIndexGrain(
    [PersistentState("outbox-index", StorageNames.Realtime)] IPersistentState<OutboxIndexState> index,
    TimeProvider clock) : Grain, IOutboxIndexGrain, IDisposable
{
    private readonly WriteGate writes = new();
    private DateTimeOffset lastClaim = DateTimeOffset.MinValue;

    /// <summary>Changes of the member set so far, and how many of them storage holds.</summary>
    private long changes;
    private long stored;

    public async Task Enroll(GrainId owner)
    {
        if (index.State.Members.Add(owner))
        {
            changes++;
        }

        // Also when the owner is a member already: the write that added it may still be in flight.
        await Store(changes);
    }

    public Task Drop(GrainId owner)
    {
        if (index.State.Members.Remove(owner))
        {
            changes++;
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<GrainId>> Claim(TimeSpan period)
    {
        // The departures since the last write go to storage about once a sweep period.
        await Store(changes);
        var now = clock.GetUtcNow();
        // Every silo sweeps; the first to ask in a period gets the members, so a member is woken about once per period.
        if (now - lastClaim < period)
        {
            return [];
        }

        lastClaim = now;
        return [.. index.State.Members];
    }

    public void Dispose() => writes.Dispose();

    /// <summary>Returns once storage holds the first <paramref name="change"/> changes; one write stores all so far.</summary>
    private Task Store(long change) => stored >= change
        ? Task.CompletedTask
        : writes.Run(async () =>
        {
            if (stored >= change)
            {
                // An earlier holder of the gate stored this change with its own.
                return;
            }

            // Interleaved calls may change the members while the write is in flight: the silo's guarded storage
            // hands the provider a copy taken as the write begins (UnsavedStateGuard).
            var writing = changes;
            await index.WriteStateAsync();
            stored = writing;
        });
}
