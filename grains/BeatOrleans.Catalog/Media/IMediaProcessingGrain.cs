using BeatOrleans.Contracts.Events;

namespace BeatOrleans.Catalog.Media;

/// <summary>Processes one beat's master into its preview, deliverables and waveform, keyed by the beat id.</summary>
[Alias("catalog.IMediaProcessingGrain")]
internal interface IMediaProcessingGrain : IGrainWithStringKey
{
    /// <summary>Starts processing unless it is already running here; answers at once, the beat hears the result.</summary>
    [Alias("Ensure")]
    Task Ensure(BeatUploaded job);
}
