using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Catalog.Beats;

[GenerateSerializer, Alias("catalog.ProducerState")]
public sealed class ProducerState
{
    [Id(0)] public StoredFile? VoiceTag { get; set; }

    /// <summary>
    /// The producer's beats since this list was kept (beats uploaded before it are found through the catalogue while
    /// they are listed), newest last.
    /// </summary>
    [Id(1)] public List<ProducerBeat> Beats { get; set; } = [];
}

internal sealed class ProducerGrain(
    [PersistentState("producer", StorageNames.Documents)] IPersistentState<ProducerState> producer) : Grain, IProducerGrain
{
    public async Task SetVoiceTag(StoredFile tag)
    {
        producer.State.VoiceTag = tag;
        await producer.WriteStateAsync();
    }

    public Task<StoredFile?> GetVoiceTag() => Task.FromResult(producer.State.VoiceTag);

    public async Task AddBeat(string beatId, DateTimeOffset createdAt)
    {
        if (producer.State.Beats.Exists(b => b.BeatId == beatId))
        {
            return;
        }

        producer.State.Beats.Add(new ProducerBeat(beatId, createdAt));
        await producer.WriteStateAsync();
    }

    public async Task RemoveBeat(string beatId)
    {
        if (producer.State.Beats.RemoveAll(b => b.BeatId == beatId) > 0)
        {
            await producer.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<ProducerBeat>> GetBeats(DateTimeOffset? afterCreatedAt, string? afterBeatId, int limit) =>
        Task.FromResult<IReadOnlyList<ProducerBeat>>([.. producer.State.Beats
            .OrderByDescending(b => b.CreatedAt).ThenBy(b => b.BeatId, StringComparer.Ordinal)
            .Where(b => afterCreatedAt is not { } time
                || b.CreatedAt < time || (b.CreatedAt == time && string.CompareOrdinal(b.BeatId, afterBeatId) > 0))
            .Take(limit)]);
}
