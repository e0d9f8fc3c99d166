using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Contracts.Catalog;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace BeatOrleans.Catalog.Media;

/// <summary>
/// Any catalog silo makes covers, several at once: the work is FFmpeg's, the state the beat's. Ownership is checked
/// before the image is decoded and again by the beat as it takes the cover, so no one changes another's beat.
/// </summary>
[StatelessWorker]
internal sealed partial class CoverArtGrain(CoverPipeline pipeline, IBlobStore blobs, ILogger<CoverArtGrain> logger)
    : Grain, ICoverArtGrain
{
    public async Task<CoverResult> Apply(string beatId, string callerId, StoredFile upload)
    {
        var beat = GrainFactory.GetGrain<IBeatGrain>(beatId);
        var refusal = Refusal(await beat.GetBeat(), callerId);
        if (refusal is not null)
        {
            return new CoverResult(refusal.Value, null);
        }

        var images = await pipeline.Prepare(beatId, upload, CancellationToken.None);
        if (images.Version is not { } version)
        {
            return new CoverResult(CoverOutcome.Unusable, null, images.FailureReason);
        }

        CoverOutcome outcome;
        try
        {
            outcome = await beat.SetCover(callerId, version);
        }
        catch (Exception)
        {
            // The answer may have been lost after the beat stored the cover: then it is the beat's now.
            if (!await Names(beat, version))
            {
                await Remove(beatId, version);
                throw;
            }

            outcome = CoverOutcome.Set;
        }

        if (outcome != CoverOutcome.Set)
        {
            await Remove(beatId, version);
            return new CoverResult(outcome, null);
        }

        return new CoverResult(CoverOutcome.Set, version);
    }

    private static CoverOutcome? Refusal(Beat? beat, string callerId) => beat switch
    {
        null => CoverOutcome.NotFound,
        _ when beat.ProducerId != callerId => CoverOutcome.NotProducer,
        { Status: BeatStatus.Sold } => CoverOutcome.Sold,
        _ => null,
    };

    private static async Task<bool> Names(IBeatGrain beat, string version)
    {
        try
        {
            return (await beat.GetBeat())?.Cover == version;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>The files of a version no beat took; one left behind is only an unreachable file.</summary>
    private async Task Remove(string beatId, string version)
    {
        foreach (var key in BlobKeys.CoverFiles(beatId, version))
        {
            try
            {
                await blobs.Delete(key, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogRemoveFailed(logger, exception, key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the untaken cover file {Key} failed")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string key);
}
