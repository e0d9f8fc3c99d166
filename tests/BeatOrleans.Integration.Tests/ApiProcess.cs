using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BeatOrleans.Integration.Tests;

/// <summary>
/// The built API binary started as an operator starts it: from a folder of its own (its data folder, holding none of
/// the repository's files), on free loopback ports, embedded profile unless arguments say otherwise; output captured.
/// </summary>
public sealed class ApiProcess : IDisposable
{
    private readonly StringBuilder log = new();

    private ApiProcess(Process process, string folder, Uri baseAddress)
    {
        Process = process;
        Folder = folder;
        BaseAddress = baseAddress;
    }

    public Process Process { get; }

    public string Folder { get; }

    public Uri BaseAddress { get; }

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    public static ApiProcess Start(params string[] arguments)
    {
        var folder = Directory.CreateTempSubdirectory("beatorleans-launch-").FullName;
        var port = FreePort();
        var siloPort = FreePort();
        var binary = Path.Combine(TestServers.RepositoryRoot, "api", "BeatOrleans.Api", "bin", TestServers.BuildConfiguration, "net10.0", "BeatOrleans.Api.dll");
        var start = new ProcessStartInfo("dotnet",
        [
            binary, $"--Urls=http://127.0.0.1:{port}", $"--Silo:SiloPort={siloPort}", $"--Silo:PrimarySiloPort={siloPort}",
            $"--Silo:GatewayPort={FreePort()}", .. arguments,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        var process = System.Diagnostics.Process.Start(start)!;
        var api = new ApiProcess(process, folder, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => api.Append(e.Data);
        process.ErrorDataReceived += (_, e) => api.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    public Task WaitUntilReady(HttpClient http) =>
        Eventually.Holds(
            async () =>
            {
                Assert.False(Process.HasExited, $"the API exited at start:\n{Log}");
                try
                {
                    return (await http.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // Not listening yet.
                }
            },
            TimeSpan.FromSeconds(60), "the API was not ready within 60 s", TimeSpan.FromMilliseconds(200));

    /// <summary>What a container runtime or Kubernetes sends to stop the process.</summary>
    public void Terminate() => System.Diagnostics.Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file a moment longer; the OS temp folder is cleaned anyway.
        }
    }

    private void Append(string? line)
    {
        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
