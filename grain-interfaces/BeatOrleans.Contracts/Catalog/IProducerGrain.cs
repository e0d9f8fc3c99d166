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

    /// <summary>Lists a beat among the producer's (a repeat changes nothing), before the beat is created.</summary>
    [Alias("AddBeat")]
    Task AddBeat(string beatId, DateTimeOffset createdAt);

    /// <summary>The beat is deleted: it leaves the producer's list.</summary>
    [Alias("RemoveBeat")]
    Task RemoveBeat(string beatId);

    /// <summary>
    /// The producer's beats, newest first, in every status (processing, ready, failed, sold), from just after
    /// <paramref name="afterCreatedAt"/>/<paramref name="afterBeatId"/> (null: from the newest), at most
    /// <paramref name="limit"/>.
    /// </summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetBeats")]
    Task<IReadOnlyList<ProducerBeat>> GetBeats(DateTimeOffset? afterCreatedAt, string? afterBeatId, int limit);
}

/// <summary>One beat in its producer's list.</summary>
[GenerateSerializer, Immutable, Alias("catalog.ProducerBeat")]
public sealed record ProducerBeat([property: Id(0)] string BeatId, [property: Id(1)] DateTimeOffset CreatedAt);
