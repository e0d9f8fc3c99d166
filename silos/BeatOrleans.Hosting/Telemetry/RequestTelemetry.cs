using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Hosting.Telemetry;

/// <summary>The trace id on every answer, and the access log when <see cref="TelemetryOptions.AccessLog"/> is on.</summary>
public static partial class RequestTelemetry
{
    /// <summary>The W3C trace id (32 hex digits) of the request: the same as in a problem's <c>trace_id</c> and in the logs.</summary>
    public const string TraceIdHeader = "X-Trace-Id";

    public const string AccessLogCategory = "BeatOrleans.AccessLog";

    /// <summary>Place it early: the access log then times everything after it and sees the final status.</summary>
    public static IApplicationBuilder UseRequestTelemetry(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<TelemetryOptions>();
        app.Use(static (http, next) =>
        {
            if (Activity.Current is { } activity)
            {
                http.Response.Headers[TraceIdHeader] = activity.TraceId.ToHexString();
            }

            return next(http);
        });

        if (options.AccessLog)
        {
            var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(AccessLogCategory);
            app.Use(async (http, next) =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await next(http);
                }
                finally
                {
                    Write(logger, http, Stopwatch.GetElapsedTime(started));
                }
            });
        }

        return app;
    }

    private static void Write(ILogger logger, HttpContext http, TimeSpan elapsed)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        // The route template, never the URL: paths of signed URLs and query strings (access_token, sig) stay out.
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        var userId = http.User.FindFirstValue("sub") ?? "-";
        var milliseconds = Math.Round(elapsed.TotalMilliseconds, 2);
        LogRequest(logger, http.Request.Method, route, http.Response.StatusCode, milliseconds, userId);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Route} {StatusCode} in {DurationMs} ms by {UserId}")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double durationMs, string userId);
}
