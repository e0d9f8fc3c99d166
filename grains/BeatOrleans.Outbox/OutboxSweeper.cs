using BeatOrleans.Contracts.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Outbox;

/// <summary>
/// Runs on every silo: each sweep period it claims the outbox index shards and calls every member grain, which
/// activates it if needed (after a crash or a restart) so that it publishes what its stored outbox still holds.
/// Runs outside grain turns, so the index never waits on a member while the member calls the index.
/// </summary>
public sealed partial class OutboxSweeper(
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = options.Value.SweepPeriod;
        try
        {
            // Grain calls need the silo running: it starts with the host.
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStarted.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
        }

        using var timer = new PeriodicTimer(period, clock);
        do
        {
            for (var shard = 0; shard < EventOutbox.IndexShards && !stoppingToken.IsCancellationRequested; shard++)
            {
                await SweepShard(shard, period, stoppingToken);
            }
        }
        while (await NextTick(timer, stoppingToken));
    }

    private static async Task<bool> NextTick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task SweepShard(int shard, TimeSpan period, CancellationToken stoppingToken)
    {
        try
        {
            var members = await grains.GetGrain<IOutboxIndexGrain>(shard).Claim(period);
            await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken }, async (owner, _) =>
            {
                try
                {
                    await grains.GetGrain<IOutboxOwner>(owner).FlushOutbox();
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    LogFlushFailed(logger, exception, owner);
                }
            });
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSweepFailed(logger, exception, shard);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flushing the outbox of {Owner} failed; the next sweep tries again")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, GrainId owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping outbox index shard {Shard} failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, int shard);
}
