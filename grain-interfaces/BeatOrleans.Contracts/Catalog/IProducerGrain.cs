using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Catalog;

/// <summary>A producer's catalogue settings, keyed by user id: the voice tag mixed into their previews.</summary>
[Alias("catalog.IProducerGrain")]
public interface IProducerGrain : IGrainWithStringKey
{
    /// <summary>Replaces the producer's voice tag; later previews use it.</summary>
    [Alias("SetVoiceTag")]
    Task SetVoiceTag(StoredFile tag);

    /// <summary>The producer's own tag, or null to use the marketplace's default tag.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetVoiceTag")]
    Task<StoredFile?> GetVoiceTag();
}
