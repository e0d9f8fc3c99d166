using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using BeatOrleans.Api.Tests;

namespace BeatOrleans.Integration.Tests;

/// <summary>
/// The embedded profile started the way an operator starts it: the built binary, from a folder of its own (its data
/// folder) that holds none of the repository's files, with every framework log category at Trace.
/// </summary>
public sealed class EmbeddedLaunchTests
{
    [Fact]
    public async Task Started_from_its_data_folder_it_reads_its_settings_and_logs_no_secret_at_trace()
    {
        var folder = Directory.CreateTempSubdirectory("beatorleans-launch-").FullName;
        var port = FreePort();
        var siloPort = FreePort();
        var binary = Path.Combine(TestServers.RepositoryRoot, "api", "BeatOrleans.Api", "bin", TestServers.BuildConfiguration, "net10.0", "BeatOrleans.Api.dll");
        var start = new ProcessStartInfo("dotnet",
        [
            binary, $"--Urls=http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore=Trace", "--Logging:LogLevel:System=Trace",
            $"--Silo:SiloPort={siloPort}", $"--Silo:PrimarySiloPort={siloPort}", $"--Silo:GatewayPort={FreePort()}", "--Media:FFmpegFolder=/nonexistent",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        var log = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            using var http = new HttpClient { BaseAddress = baseAddress };
            await WaitUntilLive(http, process);

            // appsettings.json beside the binary was read: its AllowedHosts refuses a host that is not this machine.
            using (var forged = new HttpRequestMessage(HttpMethod.Get, "/health/live"))
            {
                forged.Headers.Host = "evil.example";
                Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(forged)).StatusCode);
            }

            var account = await http.SignUp();
            var first = await http.LogIn(account);
            var refreshed = (await (await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = first.RefreshToken })).Content.ReadFromJsonAsync<Tokens>(ApiClient.Json))!;
            var (hub, _) = await LiveClients.ConnectHub(baseAddress, refreshed.Token);
            var (socket, _) = await LiveClients.ConnectSocket(baseAddress, $"/ws/chat/{account.UserId}", refreshed.Token, "chat");
            var grant = await http.PostJson("/api/beats/upload-url", refreshed.Token, new { }, HttpStatusCode.OK);
            var uploadUrl = grant["upload_url"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.OK, (await http.PutAsync(uploadUrl, new ByteArrayContent([82, 73, 70, 70]))).StatusCode);
            await hub.DisposeAsync();
            socket.Dispose();
            await http.Send(HttpMethod.Post, "/api/users/logout", refreshed.Token, new { });
            Assert.True(File.Exists(Path.Combine(folder, "data", "beatorleans.db")), "the data folder is the working folder's data/");

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            var text = log.ToString();
            Assert.Contains("/ws/chat/", text, StringComparison.Ordinal); // requests were logged at all
            foreach (var (name, secret) in new[]
            {
                ("first access token", first.Token), ("access token", refreshed.Token), ("refresh token", first.RefreshToken),
                ("rotated refresh token", refreshed.RefreshToken), ("password", account.Password),
                ("upload URL signature", uploadUrl[(uploadUrl.IndexOf("sig=", StringComparison.Ordinal) + 4)..]),
            })
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the {name} is in the log");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WaitUntilLive(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, "the API exited at start");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, "the API was not ready within 60 s");
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
