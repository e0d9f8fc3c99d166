using BeatOrleans.Hosting.Startup;

namespace BeatOrleans.Hosting.Telemetry;

/// <summary>The <c>Telemetry</c> section: log format, access log, traces and where <c>/metrics</c> is served.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Where OpenTelemetry's OTLP exporter sends traces, metrics and logs (its own environment variable).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The resource's <c>service.name</c>; by default one per role and domain (<see cref="ServiceNames"/>).</summary>
    public string? ServiceName { get; set; }

    /// <summary><c>text</c> (the console's simple format) or <c>json</c> (one JSON object per line).</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>One Information entry per HTTP request (category <c>BeatOrleans.AccessLog</c>).</summary>
    public bool AccessLog { get; set; }

    /// <summary>
    /// Record spans. Unset: when an OTLP endpoint is configured. Without it each request still gets a trace id (for
    /// logs, problems and the <c>X-Trace-Id</c> header) but nothing is recorded or sent: the hot path stays cheap.
    /// </summary>
    public bool? Traces { get; set; }

    /// <summary>API nodes: serve <c>/metrics</c> on the API's own port. Unset: yes, except in the cluster profile.</summary>
    public bool? MetricsOnApiPort { get; set; }

    /// <summary>API nodes: one more listening URL (e.g. <c>http://0.0.0.0:9464</c>) that serves <c>/metrics</c> and nothing else.</summary>
    public string? MetricsUrl { get; set; }

    public bool Json => LogFormat.Equals("json", StringComparison.OrdinalIgnoreCase);

    public static TelemetryOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = new TelemetryOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), options);
        if (!options.Json && !options.LogFormat.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            throw new StartupSettingException($"{Section}:LogFormat must be 'text' or 'json', not '{options.LogFormat}'.");
        }

        if (options.MetricsUrl is { Length: > 0 } url)
        {
            options.MetricsPort = ParsePort(url)
                ?? throw new StartupSettingException($"{Section}:MetricsUrl must be an http URL with a port, such as http://0.0.0.0:9464, not '{url}'.");
        }

        options.Exporting = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        return options;
    }

    /// <summary>The port of <see cref="MetricsUrl"/>; null without one.</summary>
    public int? MetricsPort { get; private set; }

    /// <summary>Whether an OTLP endpoint is configured.</summary>
    public bool Exporting { get; private set; }

    /// <summary>Whether spans are recorded (<see cref="Traces"/>, else <see cref="Exporting"/>).</summary>
    public bool RecordsTraces => Traces ?? Exporting;

    private static int? ParsePort(string url)
    {
        try
        {
            var address = Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
            return address.Scheme == "http" && address.Port > 0 && url.Contains($":{address.Port}", StringComparison.Ordinal) ? address.Port : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
