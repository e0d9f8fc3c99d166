using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Events;

namespace BeatOrleans.Outbox;

[GenerateSerializer, Alias("outbox.OutboxIndexState")]
public sealed class OutboxIndexState
{
    [Id(0)] public HashSet<GrainId> Members { get; set; } = [];
}

/// <summary>
/// One shard of the grains that may hold unpublished events. Writes only on a change of membership: a grain
/// enrols once per activation that produces events and leaves when a sweep finds its outbox empty.
/// </summary>
internal sealed class OutboxIndexGrain(
    [PersistentState("outbox-index", StorageNames.Realtime)] IPersistentState<OutboxIndexState> index,
    TimeProvider clock) : Grain, IOutboxIndexGrain
{
    private DateTimeOffset lastClaim = DateTimeOffset.MinValue;

    public async Task Enroll(GrainId owner)
    {
        if (index.State.Members.Add(owner))
        {
            await index.WriteStateAsync();
        }
    }

    public async Task Drop(GrainId owner)
    {
        if (index.State.Members.Remove(owner))
        {
            await index.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<GrainId>> Claim(TimeSpan period)
    {
        var now = clock.GetUtcNow();
        // Every silo sweeps; the first to ask in a period gets the members, so a member is woken about once per period.
        if (now - lastClaim < period)
        {
            return Task.FromResult<IReadOnlyList<GrainId>>([]);
        }

        lastClaim = now;
        return Task.FromResult<IReadOnlyList<GrainId>>([.. index.State.Members]);
    }
}
