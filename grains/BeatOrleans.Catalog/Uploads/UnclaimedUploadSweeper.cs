using BeatOrleans.Catalog.Files.Blobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Catalog.Uploads;

/// <summary>
/// Deletes audio PUT to an upload URL that no beat claimed within <see cref="CatalogOptions.UnclaimedUploadRetention"/>:
/// upload URLs are free to ask for, so without this anyone could fill the store with objects nothing refers to.
/// Every catalogue silo sweeps; a key two of them delete at once is simply gone for the second.
/// </summary>
internal sealed partial class UnclaimedUploadSweeper(
    IBlobStore blobs, IOptions<CatalogOptions> options, TimeProvider clock, ILogger<UnclaimedUploadSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.UnclaimedUploadSweepPeriod, clock);
        do
        {
            try
            {
                var deleted = await Sweep(stoppingToken);
                if (deleted > 0)
                {
                    LogSwept(logger, deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store may be briefly unreachable; the next period tries again.
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task<int> Sweep(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.Value.UnclaimedUploadRetention;
        var deleted = 0;
        await foreach (var key in blobs.ListWrittenBefore(BlobKeys.IncomingPrefix, cutoff, cancellationToken))
        {
            await blobs.Delete(key, cancellationToken);
            deleted++;
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} unclaimed uploads past their retention")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping unclaimed uploads failed; the next period tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
