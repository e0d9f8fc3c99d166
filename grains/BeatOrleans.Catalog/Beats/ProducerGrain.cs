using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Catalog.Beats;

[GenerateSerializer, Alias("catalog.ProducerState")]
public sealed class ProducerState
{
    [Id(0)] public StoredFile? VoiceTag { get; set; }
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
}
