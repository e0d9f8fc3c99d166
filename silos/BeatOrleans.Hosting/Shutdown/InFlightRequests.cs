using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BeatOrleans.Hosting.Shutdown;

/// <summary>
/// Counts the requests being served, so a stop can wait for them before Orleans goes away under them. WebSocket and
/// server-sent-event connections are not counted: they last until closed, and their clients reconnect elsewhere.
/// </summary>
public sealed class InFlightRequests
{
    private int count;
    private TaskCompletionSource idle = NewIdle(completed: true);

    public int Count => Volatile.Read(ref count);

    internal async Task Track(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        lock (this)
        {
            if (count++ == 0)
            {
                idle = NewIdle(completed: false);
            }
        }

        try
        {
            await next(context);
        }
        finally
        {
            lock (this)
            {
                if (--count == 0)
                {
                    idle.TrySetResult();
                }
            }
        }
    }

    /// <summary>Completes when no counted request is running (at once if none is).</summary>
    public Task WaitUntilNone(CancellationToken cancellationToken)
    {
        lock (this)
        {
            return idle.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}
