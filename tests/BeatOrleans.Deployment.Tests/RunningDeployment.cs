using System.Diagnostics;
using System.Net;

namespace BeatOrleans.Deployment.Tests;

/// <summary>
/// A running deployment: its published base URL (<c>BEATORLEANS_DEPLOY_URL</c>) and the script that stops and starts its
/// services (<c>BEATORLEANS_DEPLOY_CONTROL</c>: scripts/containers.sh or scripts/kube.sh, which take
/// <c>kill SERVICE</c> and <c>start SERVICE</c>).
/// </summary>
public sealed class RunningDeployment
{
    public Uri BaseAddress { get; } = new(Required("BEATORLEANS_DEPLOY_URL"));

    private string Control { get; } = Required("BEATORLEANS_DEPLOY_CONTROL");

    /// <summary>A client that follows redirects (previews and downloads are served by S3) and keeps cookies (the proxy's node affinity).</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = true, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>SIGKILL to a service's process, as a crash; it stays down until <see cref="Start"/>.</summary>
    public Task Kill(string service) => Run("kill", service);

    /// <summary>Starts a service again and returns once it is healthy.</summary>
    public Task Start(string service) => Run("start", service);

    private async Task Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Control, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        Assert.True(process.ExitCode == 0, $"{Control} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await output}\n{await errors}");
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run these tests through scripts/deployment-smoke.sh against a running stack.");
}
