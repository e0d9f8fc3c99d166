using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BeatOrleans.Hosting.Telemetry;

/// <summary>
/// <see cref="TelemetryOptions.MetricsUrl"/>'s port answers <c>/metrics</c> and nothing else, ahead of the whole
/// pipeline: a scraper reaches it by a pod or container address that host filtering (<c>AllowedHosts</c>) would refuse,
/// and the API is never served on a port that may be open to the monitoring network.
/// </summary>
internal sealed class MetricsPort(int port) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.MapWhen(http => http.Connection.LocalPort == port, metrics =>
        {
            metrics.UseOpenTelemetryPrometheusScrapingEndpoint(http => http.Request.Path == TelemetryExtensions.MetricsPath);
            metrics.Run(http =>
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
        next(app);
    };
}
