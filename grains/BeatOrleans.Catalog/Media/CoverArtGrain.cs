using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Contracts.Catalog;
using Orleans.Concurrency;

namespace BeatOrleans.Catalog.Media;

/// <summary>
/// Any catalog silo makes covers, several at once: the work is FFmpeg's, the state the beat's. Ownership is checked
/// before the image is decoded and again by the beat as it takes the cover, so no one changes another's beat.
/// </summary>
[StatelessWorker]
internal sealed class CoverArtGrain(CoverPipeline pipeline) : Grain, ICoverArtGrain
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
        if (images is null)
        {
            return new CoverResult(CoverOutcome.Busy, null);
        }

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
            // The answer may have been lost after the beat stored the cover: then it is the beat's now. Only a beat
            // that answers it names another cover loses the files; in doubt they stay, unreachable at worst.
            if (await Names(beat, version) == false)
            {
                await pipeline.Remove(BlobKeys.CoverFiles(beatId, version));
            }

            throw;
        }

        if (outcome != CoverOutcome.Set)
        {
            await pipeline.Remove(BlobKeys.CoverFiles(beatId, version));
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

    /// <summary>Whether the beat names the version now; null when it cannot tell.</summary>
    private static async Task<bool?> Names(IBeatGrain beat, string version)
    {
        try
        {
            return (await beat.GetBeat())?.Cover == version;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return null;
        }
    }
}
