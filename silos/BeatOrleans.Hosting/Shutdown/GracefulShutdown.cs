using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Hosting.Shutdown;

/// <summary>
/// The first thing a stop does, before any hosted service (Kestrel, the Orleans silo or client) stops: readiness turns
/// 503, the drain delay lets load balancers take the node out while it still answers, then requests in flight finish.
/// Only then do Kestrel and Orleans stop, the silo leaving the cluster in an orderly way within what is left of
/// <see cref="ShutdownOptions.Timeout"/>.
/// </summary>
internal sealed partial class GracefulShutdown(
    ShutdownState state,
    InFlightRequests requests,
    IOptions<ShutdownOptions> options,
    TimeProvider time,
    ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        state.BeginDraining();
        var drain = options.Value.DrainDelay;
        LogDraining(logger, drain.TotalSeconds, requests.Count);
        try
        {
            if (drain > TimeSpan.Zero)
            {
                await Task.Delay(drain, time, cancellationToken);
            }

            await requests.WaitUntilNone(cancellationToken);
            var elapsed = time.GetElapsedTime(started);
            LogDrained(logger, elapsed.TotalSeconds);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: stop anyway, what is still running is cut off.
            LogDrainCutOff(logger, requests.Count);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: readiness answers 503; taking requests for {DrainSeconds} s more, {InFlight} in flight")]
    private static partial void LogDraining(ILogger logger, double drainSeconds, int inFlight);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained in {Seconds:0.0} s: no request in flight; stopping the server and Orleans")]
    private static partial void LogDrained(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timeout reached with {InFlight} request(s) in flight; stopping anyway")]
    private static partial void LogDrainCutOff(ILogger logger, int inFlight);
}
