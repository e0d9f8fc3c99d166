using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BeatOrleans.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry for every BeatOrleans process, in one place (the shape of eShop's and Aspire's ServiceDefaults): the
/// resource, metrics (ASP.NET Core, HttpClient, the runtime, Orleans, the marketplace's own meters) served as
/// Prometheus text, traces when they are recorded, OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and the
/// console log's format with trace and span ids in every entry.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Orleans' own meter (messaging, grains, membership, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources: system calls, and application grain calls.</summary>
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>The marketplace's own meters and activity sources, one per domain (<c>BeatOrleans.Users</c>, ...).</summary>
    public const string MarketplaceWildcard = "BeatOrleans.*";

    /// <summary>
    /// Instruments measured on every request or every grain message that repeat what is kept: a dropped instrument is
    /// not listened to, so the framework skips building its tags. Requests are counted and timed, by route and status,
    /// by <c>http.server.request.duration</c>; grain messages by Orleans' dispatcher counters; rate-limit rejections
    /// by <c>aspnetcore.rate_limiting.requests</c>. Together with lazily redacted log scopes, dropping these took about
    /// 10% off the CPU of a profile read and 20% off a live check (docs/BENCHMARKS.md, "CPU per request in the cluster").
    /// </summary>
    internal static readonly string[] PerRequestRepeats =
    [
        // Kestrel's buffer pool counts every rent and return.
        "aspnetcore.memory_pool.*",
        "aspnetcore.routing.match_attempts",
        "aspnetcore.authentication.authenticate.duration",
        "aspnetcore.authorization.attempts",
        "aspnetcore.rate_limiting.request_lease.duration",
        "aspnetcore.rate_limiting.active_request_leases",
        // Histograms of every message's and header's size, recorded for each grain call on both ends.
        "orleans-messaging-sent-messages-size",
        "orleans-messaging-received-messages-size",
        "orleans-messaging-sent-header-size",
        "orleans-messaging-received-header-size",
    ];

    public static WebApplicationBuilder AddBeatOrleansTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var options = TelemetryOptions.From(builder.Configuration);
        builder.Services.TryAddSingleton(options);
        builder.Services.TryAddSingleton<TracedRedisConnections>();
        ConfigureConsole(builder.Logging, options);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? options.ServiceName ?? serviceName,
                serviceVersion: Version,
                serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(OrleansMeter, MarketplaceWildcard)
                    .AddPrometheusExporter();
                foreach (var dropped in PerRequestRepeats)
                {
                    metrics.AddView(dropped, MetricStreamConfiguration.Drop);
                }

                if (options.Exporting)
                {
                    metrics.AddOtlpExporter();
                }
            });

        if (options.RecordsTraces)
        {
            otel.WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperations(http.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddSource(OrleansSources)
                    .AddSource(MarketplaceWildcard)
                    .AddNpgsql()
                    .AddRedisInstrumentation()
                    .ConfigureRedisInstrumentation((services, redis) => services.GetRequiredService<TracedRedisConnections>().Attach(redis));
                if (options.Exporting)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }
        else
        {
            builder.Services.AddHostedService<RequestTraceIds>();
        }

        if (options.Exporting)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
                logging.AddOtlpExporter();
            });
        }

        if (options.MetricsUrl is { } metricsUrl && options.MetricsPort is { } metricsPort)
        {
            // One more address for Kestrel, beside the configured ones, that serves /metrics alone. First of the startup
            // filters, so it runs before host filtering does.
            var urls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            builder.WebHost.UseUrls([.. urls, metricsUrl]);
            builder.Services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new MetricsPort(metricsPort)));
        }

        return builder;
    }

    /// <summary>
    /// Serves <c>/metrics</c> (Prometheus text) on the host's own ports when <paramref name="onEveryPort"/>
    /// (<see cref="TelemetryOptions.MetricsUrl"/>'s port serves it in any case).
    /// </summary>
    public static IApplicationBuilder UseBeatOrleansMetrics(this IApplicationBuilder app, bool onEveryPort) =>
        onEveryPort ? app.UseOpenTelemetryPrometheusScrapingEndpoint(http => http.Request.Path == MetricsPath) : app;

    public const string MetricsPath = "/metrics";

    /// <summary>Probes and scrapes: no spans for them (they would outnumber the requests that matter).</summary>
    private static bool IsOperations(PathString path) => path.StartsWithSegments("/health") || path == MetricsPath;

    private static string Version =>
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static void ConfigureConsole(ILoggingBuilder logging, TelemetryOptions options)
    {
        // Every entry carries the trace and span of the request or grain call that wrote it (as a scope).
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (options.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o => o.IncludeScopes = true);
        }
    }
}
