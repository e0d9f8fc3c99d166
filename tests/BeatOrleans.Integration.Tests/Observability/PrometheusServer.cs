using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace BeatOrleans.Integration.Tests.Observability;

/// <summary>
/// Debian's Prometheus (installed by scripts/test.sh), scraping the given targets every second, with its data in a
/// folder of its own; queried through its HTTP API as a dashboard or an alert rule would.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private PrometheusServer(Process process, string folder, Uri address)
    {
        this.process = process;
        this.folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    /// <param name="targets">What to scrape: the job, the metrics URL, and the domain label of a silo (as deploy/observability labels them).</param>
    public static async Task<PrometheusServer> Start(IReadOnlyList<(string Job, Uri Url, string? Domain)> targets)
    {
        var folder = Directory.CreateTempSubdirectory("beatorleans-prometheus-").FullName;
        var config = new System.Text.StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n");
        foreach (var job in targets.GroupBy(t => t.Job))
        {
            config.Append(CultureInfo.InvariantCulture, $"  - job_name: {job.Key}\n    static_configs:\n");
            foreach (var (_, url, domain) in job)
            {
                Assert.Equal("/metrics", url.AbsolutePath);
                config.Append(CultureInfo.InvariantCulture, $"      - targets: ['{url.Authority}']\n");
                if (domain is not null)
                {
                    config.Append(CultureInfo.InvariantCulture, $"        labels: {{ domain: {domain} }}\n");
                }
            }
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), config.ToString());
        var port = FreePort();
        var start = new ProcessStartInfo("prometheus",
            [$"--config.file={Path.Combine(folder, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
             $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient();
        if (!await Eventually.Until(() => IsReady(http, server.Address), ready => ready || process.HasExited, TimeSpan.FromSeconds(60),
                TimeSpan.FromMilliseconds(200)))
        {
            await server.DisposeAsync();
            throw new InvalidOperationException("Prometheus did not become ready.");
        }

        return server;
    }

    private static async Task<bool> IsReady(HttpClient http, Uri address)
    {
        try
        {
            return (await http.GetAsync(new Uri(address, "/-/ready"))).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>An instant query: the result's series (metric labels and value), or an exception carrying Prometheus' error.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> Query(string promql)
    {
        using var http = new HttpClient();
        var answer = await http.GetFromJsonAsync<JsonObject>(new Uri(Address, $"/api/v1/query?query={Uri.EscapeDataString(promql)}"));
        if (answer?["status"]?.GetValue<string>() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused '{promql}': {answer}");
        }

        var data = answer["data"]!;
        return data["resultType"]!.GetValue<string>() switch
        {
            "vector" => [.. data["result"]!.AsArray().Select(r => (
                (IReadOnlyDictionary<string, string>)r!["metric"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()),
                double.Parse(r["value"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture)))],
            "scalar" => [(new Dictionary<string, string>(), double.Parse(data["result"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture))],
            _ => [],
        };
    }

    /// <summary>Polls <paramref name="promql"/> until <paramref name="satisfied"/> holds for its result; the last result.</summary>
    public Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryUntil(
        string promql, Func<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>, bool> satisfied, TimeSpan patience) =>
        Eventually.Until(() => Query(promql), satisfied, patience, TimeSpan.FromMilliseconds(500));

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
