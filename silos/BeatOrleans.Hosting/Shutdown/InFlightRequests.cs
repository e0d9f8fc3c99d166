using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BeatOrleans.Hosting.Shutdown;

/// <summary>
/// Counts the requests being served, so a stop can wait for them before Orleans goes away under them. WebSocket and
/// server-sent-event connections are not counted: they last until closed, and their clients reconnect elsewhere. Nor
/// is the Orleans dashboard's live log (<c>/dashboard/Trace</c>), a response that never ends.
/// </summary>
public sealed class InFlightRequests
{
    private int count;

    // Made only when a shutdown waits: counting a request is two interlocked operations and no lock or allocation.
    private TaskCompletionSource? idle;

    public int Count => Volatile.Read(ref count);

    internal async Task Track(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Request.Headers.Accept.ToString()
                .Contains("text/event-stream", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments("/dashboard/Trace", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref count);
        try
        {
            await next(context);
        }
        finally
        {
            if (Interlocked.Decrement(ref count) == 0)
            {
                Volatile.Read(ref idle)?.TrySetResult();
            }
        }
    }

    /// <summary>Completes when no counted request is running (at once if none is).</summary>
    public Task WaitUntilNone(CancellationToken cancellationToken)
    {
        var waiting = Volatile.Read(ref idle) ?? Interlocked.CompareExchange(ref idle, NewIdle(), null) ?? idle;
        // A request that ended before the source was published saw none to complete: look at the count after it.
        if (Count == 0)
        {
            waiting.TrySetResult();
        }

        return waiting.Task.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewIdle() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
