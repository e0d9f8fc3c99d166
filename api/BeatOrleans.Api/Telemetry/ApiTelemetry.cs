using BeatOrleans.Api.Orleans;
using BeatOrleans.Hosting.Telemetry;

namespace BeatOrleans.Api.Telemetry;

public static class ApiTelemetry
{
    /// <summary>The shared telemetry setup, named for this node's role: the whole marketplace when embedded, else an API node.</summary>
    public static WebApplicationBuilder AddMarketplaceTelemetry(this WebApplicationBuilder builder) =>
        builder.AddBeatOrleansTelemetry(OrleansMode.From(builder.Configuration).Embedded ? ServiceNames.Embedded : ServiceNames.Api);

    /// <summary>
    /// <c>/metrics</c>, on the API's own port unless this is a cluster API node (a public port there: set
    /// <c>Telemetry:MetricsUrl</c> for a port of its own, or <c>Telemetry:MetricsOnApiPort</c>); then the trace id
    /// header and the access log.
    /// </summary>
    public static WebApplication UseMarketplaceTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<TelemetryOptions>();
        var mode = app.Services.GetRequiredService<OrleansMode>();
        app.UseBeatOrleansMetrics(onEveryPort: options.MetricsOnApiPort ?? mode.Name != OrleansMode.Cluster);
        app.UseRequestTelemetry();
        return app;
    }
}
