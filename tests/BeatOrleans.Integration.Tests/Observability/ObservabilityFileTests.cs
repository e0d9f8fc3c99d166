using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BeatOrleans.Integration.Tests.Observability;

/// <summary>
/// deploy/observability checked offline with Prometheus' own tool; the queries themselves run against a live cluster
/// in <see cref="ClusterTelemetryTests"/>.
/// </summary>
public sealed class ObservabilityFileTests
{
    [Fact]
    public async Task Promtool_accepts_the_scrape_configuration_and_the_alert_rules()
    {
        var (code, output) = await Promtool("check", "config", Path.Combine(ObservabilityFiles.Folder, "prometheus.yml"));
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 1 rule files found", output, StringComparison.Ordinal);
        (code, output) = await Promtool("check", "rules", Path.Combine(ObservabilityFiles.Folder, "alerts.yml"));
        Assert.True(code == 0, output);
    }

    [Fact]
    public void Every_alert_the_issue_asks_for_exists_and_every_dashboard_panel_queries_something()
    {
        foreach (var alert in new[]
        {
            "BeatOrleansDomainDown", "BeatOrleansHighErrorRate", "BeatOrleansSlowRequests", "BeatOrleansOutboxBacklog",
            "BeatOrleansProcessingFailures", "BeatOrleansSiloCountLow",
        })
        {
            Assert.NotEmpty(ObservabilityFiles.Alert(alert));
        }

        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(ObservabilityFiles.Folder, "grafana", "beatorleans.json")))!;
        foreach (var panel in dashboard["panels"]!.AsArray().Where(p => p!["type"]!.GetValue<string>() != "row"))
        {
            Assert.NotEmpty(panel!["targets"]!.AsArray());
        }

        // The Kubernetes variant names its jobs as the compose one does, so the rules and the dashboard apply to both.
        var kubernetes = File.ReadAllText(Path.Combine(ObservabilityFiles.Folder, "prometheus-kubernetes.yml"));
        Assert.Contains("replacement: beatorleans-$1", kubernetes, StringComparison.Ordinal);
        Assert.Contains("regex: (api;metrics|silo;health)", kubernetes, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> Promtool(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
