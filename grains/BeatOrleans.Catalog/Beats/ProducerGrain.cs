using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using Microsoft.Extensions.Logging;

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

internal sealed partial class ProducerGrain(
    [PersistentState("producer", StorageNames.Documents)] IPersistentState<ProducerState> producer,
    IBlobStore blobs,
    ILogger<ProducerGrain> logger) : Grain, IProducerGrain
{
    public async Task SetVoiceTag(StoredFile tag)
    {
        var replaced = producer.State.VoiceTag;
        if (replaced?.Key == tag.Key)
        {
            return;
        }

        producer.State.VoiceTag = tag;
        await producer.WriteStateAsync();

        // The replaced tag is used by no one from now on: a beat being processed reads the producer's tag when it
        // starts, and one that read the old key a moment ago fails its download and is processed again with the new
        // tag. Removed once the new one is stored; a removal that fails leaves a file, never a beat without a tag.
        if (replaced is not null)
        {
            try
            {
                await blobs.Delete(replaced.Key, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogTagNotRemoved(logger, exception, replaced.Key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The replaced voice tag {Key} could not be removed")]
    private static partial void LogTagNotRemoved(ILogger logger, Exception exception, string key);

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
        Task.FromResult<IReadOnlyList<ProducerBeat>>([.. NewestFirst
            .After(producer.State.Beats, b => b.CreatedAt, b => b.BeatId, afterCreatedAt, afterBeatId).Take(limit)]);
}
