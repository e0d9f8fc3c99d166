using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace BeatOrleans.Hosting.Telemetry;

/// <summary>
/// While no spans are recorded, ASP.NET Core still gives each request an activity, holding ids only (propagation
/// data: no tags, no timing kept): the trace id that logs, problems and the <c>X-Trace-Id</c> header name, continued
/// from a caller's <c>traceparent</c>. Nothing else listens, so grain calls and storage add no activity of their own.
/// </summary>
internal sealed class RequestTraceIds : IHostedLifecycleService, IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly ActivityListener listener = new()
    {
        ShouldListenTo = source => source.Name == AspNetCoreSource,
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    // Before Kestrel starts (StartAsync of the web host), so the first request has its id too.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(listener);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        listener.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => listener.Dispose();
}
