using Microsoft.Extensions.Configuration;

namespace BeatOrleans.Hosting.Telemetry;

public static class OrleansTracing
{
    /// <summary>
    /// Grain calls carry the caller's trace context (Orleans' activity propagation), so an HTTP request and the grain
    /// calls it causes, on whichever silos, form one trace. Only while spans are recorded: otherwise the filter would
    /// cost every grain call something for nothing.
    /// </summary>
    public static ISiloBuilder AddBeatOrleansTracing(this ISiloBuilder silo, IConfiguration configuration) =>
        TelemetryOptions.From(configuration).RecordsTraces ? silo.AddActivityPropagation() : silo;

    /// <inheritdoc cref="AddBeatOrleansTracing(ISiloBuilder, IConfiguration)"/>
    public static IClientBuilder AddBeatOrleansTracing(this IClientBuilder client, IConfiguration configuration) =>
        TelemetryOptions.From(configuration).RecordsTraces ? client.AddActivityPropagation() : client;
}
