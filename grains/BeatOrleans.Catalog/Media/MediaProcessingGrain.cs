using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Events;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace BeatOrleans.Catalog.Media;

/// <summary>
/// Activated by a beat's <see cref="BeatUploaded"/> event (or the beat's reminder) on a catalog silo. Holds no state:
/// the beat counts attempts, so a processor lost with its silo is simply started again.
/// </summary>
[ImplicitStreamSubscription(BeatUploaded.Namespace)]
internal sealed partial class MediaProcessingGrain(MediaPipeline pipeline, ILogger<MediaProcessingGrain> logger) : Grain, IMediaProcessingGrain
{
    private Task? running;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(StorageNames.Events)
            .GetStream<BeatUploaded>(StreamId.Create(BeatUploaded.Namespace, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((job, _) => Ensure(job));
    }

    public Task Ensure(BeatUploaded job)
    {
        // Not awaited: the stream delivery and the beat's reminder must not wait for FFmpeg.
        running ??= Run(job);
        return Task.CompletedTask;
    }

    private async Task Run(BeatUploaded job)
    {
        var beat = GrainFactory.GetGrain<IBeatGrain>(job.BeatId);
        try
        {
            if (!await beat.BeginProcessing())
            {
                return;
            }

            // Processing is idle time for Orleans (no calls): keep the activation, and so this task, alive meanwhile.
            DelayDeactivation(TimeSpan.FromHours(1));
            var tag = await GrainFactory.GetGrain<IProducerGrain>(job.ProducerId).GetVoiceTag();
            var outcome = await pipeline.Process(job.BeatId, job.Master, tag, CancellationToken.None);
            if (outcome.Media is { } media)
            {
                await beat.CompleteProcessing(media);
            }
            else
            {
                await beat.FailProcessing(outcome.FailureReason!);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Storage or cluster trouble: the beat's reminder asks again and the next attempt starts afresh.
            LogAttemptFailed(logger, exception, job.BeatId);
        }
        finally
        {
            running = null;
            DeactivateOnIdle();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing beat {BeatId} failed; it will be retried")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string beatId);
}
