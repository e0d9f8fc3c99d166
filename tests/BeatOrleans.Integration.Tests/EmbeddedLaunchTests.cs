using System.Net;
using System.Net.Http.Json;
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
        using var api = ApiProcess.Start(
            "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace", "--Logging:LogLevel:Microsoft.AspNetCore=Trace",
            "--Logging:LogLevel:System=Trace", "--Media:FFmpegFolder=/nonexistent");
        var baseAddress = api.BaseAddress;
        using var http = new HttpClient { BaseAddress = baseAddress };
        await api.WaitUntilReady(http);

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
        Assert.True(File.Exists(Path.Combine(api.Folder, "data", "beatorleans.db")), "the data folder is the working folder's data/");

        api.Process.Kill(entireProcessTree: true);
        await api.Process.WaitForExitAsync();
        var text = api.Log;
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
}
