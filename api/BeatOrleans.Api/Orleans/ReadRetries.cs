using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace BeatOrleans.Api.Orleans;

/// <summary>Section <c>Orleans:ReadRetries</c>: how long an API node keeps retrying a read whose silo is gone.</summary>
public sealed class ReadRetryOptions
{
    public const string Section = "Orleans:ReadRetries";

    /// <summary>
    /// Retries stop once this much time has passed since the first attempt; zero turns them off. Sized to outlast
    /// the cluster's failure detection (<c>Orleans:Membership</c>, about 3 s) while keeping a client's wait short.
    /// </summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The pause before the first retry; it doubles for each further one, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(400);
}

/// <summary>
/// Retries a grain call from this API node when it failed because a silo is unreachable or gone, and only when the
/// method is <see cref="ReadOnlyAttribute">[ReadOnly]</see>: a read changes nothing, so running it twice is harmless,
/// whereas a write that failed in transit may have been applied, and repeating it blindly could apply it twice
/// (writes keep their own idempotency keys and answer 503 instead).
/// </summary>
/// <remarks>
/// Measured with <c>SiloLossTests</c> (two users silos, <c>kill -9</c> of one under 8 loops of profile reads): without
/// retries 3.4% of requests answered 503, for 6 s after the crash. Until membership declares the silo dead, the
/// directory still names it for the grains it held, so an early retry fails fast again; the one after the
/// declaration activates the grain on a live silo.
/// </remarks>
internal sealed partial class ReadRetryFilter(IOptions<ReadRetryOptions> options, TimeProvider clock, ILogger<ReadRetryFilter> logger)
    : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, bool> Reads = new();

    private readonly ReadRetryOptions settings = options.Value;

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (settings.Budget <= TimeSpan.Zero || context.InterfaceMethod is not { } method
            || !Reads.GetOrAdd(method, static m => m.IsDefined(typeof(ReadOnlyAttribute), inherit: true)))
        {
            await context.Invoke();
            return;
        }

        var started = clock.GetTimestamp();
        var delay = settings.FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception exception)
            {
                failure = exception;
            }

            if (failure is null || !OrleansUnavailability.IsSiloLoss(failure) || clock.GetElapsedTime(started) + delay > settings.Budget)
            {
                if (failure is not null && attempt > 1)
                {
                    LogGaveUp(logger, failure, context.InterfaceName, context.MethodName, attempt);
                }

                if (failure is not null && context.Response?.Exception is null)
                {
                    throw failure;
                }

                return;
            }

            LogRetrying(logger, failure, context.InterfaceName, context.MethodName, attempt);
            await Task.Delay(delay, clock);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxDelay.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Interface}.{Method} failed on attempt {Attempt}; retrying")]
    private static partial void LogRetrying(ILogger logger, Exception failure, string @interface, string method, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interface}.{Method} still failed after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, Exception failure, string @interface, string method, int attempts);
}
