using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BeatOrleans.Integration.Tests.Observability;

/// <summary>The queries of deploy/observability: the Grafana dashboard's panels and the alert rules' expressions.</summary>
public static partial class ObservabilityFiles
{
    public static string Folder => Path.Combine(TestServers.RepositoryRoot, "deploy", "observability");

    /// <summary>Every target expression of the dashboard, with Grafana's variables replaced by what Grafana would send.</summary>
    public static IEnumerable<string> DashboardQueries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "grafana", "beatorleans.json")))!;
        return dashboard["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]?.AsArray() ?? [])
            .Select(target => target!["expr"]!.GetValue<string>())
            .Select(expr => expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$domain", ".*", StringComparison.Ordinal));
    }

    /// <summary>The <c>expr:</c> of every rule in alerts.yml (one line each, as the file keeps them).</summary>
    public static IEnumerable<string> AlertExpressions() =>
        Expression().Matches(File.ReadAllText(Path.Combine(Folder, "alerts.yml"))).Select(m => m.Groups[1].Value.Trim());

    /// <summary>The expression of one alert.</summary>
    public static string Alert(string name)
    {
        var text = File.ReadAllText(Path.Combine(Folder, "alerts.yml"));
        var start = text.IndexOf($"alert: {name}", StringComparison.Ordinal);
        return start < 0 ? throw new InvalidOperationException($"no alert {name}") : Expression().Match(text, start).Groups[1].Value.Trim();
    }

    [GeneratedRegex(@"^\s*expr:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex Expression();
}
