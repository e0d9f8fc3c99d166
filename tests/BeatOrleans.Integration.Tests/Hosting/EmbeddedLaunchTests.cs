using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BeatOrleans.Integration.Tests.Hosting;

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

    [Fact]
    public async Task Json_logs_name_each_entrys_trace_and_the_access_log_records_requests_without_any_secret()
    {
        using var api = ApiProcess.Start(
            "--Telemetry:LogFormat=json", "--Telemetry:AccessLog=true",
            "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace", "--Logging:LogLevel:Microsoft.AspNetCore=Trace",
            "--Logging:LogLevel:System=Trace", "--Media:FFmpegFolder=/nonexistent");
        var baseAddress = api.BaseAddress;
        using var http = new HttpClient { BaseAddress = baseAddress };
        await api.WaitUntilReady(http);

        var account = await http.SignUp();
        var wrong = await http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = account.Password + "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var first = await http.LogIn(account);
        var refreshed = (await (await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = first.RefreshToken })).Content.ReadFromJsonAsync<Tokens>(ApiClient.Json))!;
        var (socket, _) = await LiveClients.ConnectSocket(baseAddress, $"/ws/notifications/{account.UserId}", refreshed.Token, "notification");
        var grant = await http.PostJson("/api/beats/upload-url", refreshed.Token, new { }, HttpStatusCode.OK);
        var uploadUrl = grant["upload_url"]!.GetValue<string>();
        await http.PutAsync(uploadUrl, new ByteArrayContent([82, 73, 70, 70]));
        Assert.Equal(HttpStatusCode.OK, (await http.Send(HttpMethod.Get, "/api/users/profile", refreshed.Token)).StatusCode);
        socket.Dispose();

        // A problem names its trace: the body's trace_id is the X-Trace-Id header, and the logs hold the same id.
        var refused = await http.GetAsync("/api/users/profile");
        var problem = await refused.Problem(HttpStatusCode.Unauthorized);
        var traceId = Assert.Single(refused.Headers.GetValues("X-Trace-Id"));
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Equal(traceId, problem["trace_id"]!.GetValue<string>());

        // The access log is written as the response completes, after the client has it: wait for its line.
        Assert.True(await Eventually.Until(
            () => api.Log.Split('\n').Any(l => l.Contains("BeatOrleans.AccessLog", StringComparison.Ordinal)
                && l.Contains(traceId, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10)), "the refused request's access log line was not written");
        api.Process.Kill(entireProcessTree: true);
        await api.Process.WaitForExitAsync();
        var entries = api.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject()) // every line is one JSON object
            .ToList();
        Assert.All(entries, e => Assert.NotNull(e["Category"]));
        var access = entries.Where(e => e["Category"]!.GetValue<string>() == "BeatOrleans.AccessLog").ToList();
        var refusedEntry = Assert.Single(access, e => Scope(e, "TraceId") == traceId);
        Assert.Equal("GET", refusedEntry["State"]!["Method"]!.GetValue<string>());
        Assert.Equal("/api/users/profile", refusedEntry["State"]!["Route"]!.GetValue<string>());
        Assert.Equal(401, refusedEntry["State"]!["StatusCode"]!.GetValue<int>());
        Assert.True(refusedEntry["State"]!["DurationMs"]!.GetValue<double>() >= 0);
        Assert.Contains(access, e => e["State"]!["Route"]!.GetValue<string>() == "/api/users/profile"
            && e["State"]!["StatusCode"]!.GetValue<int>() == 200 && e["State"]!["UserId"]!.GetValue<string>() == account.UserId);
        Assert.Contains(access, e => e["State"]!["Route"]!.GetValue<string>() == "/ws/notifications/{user_id}");
        // Everything written while serving a request carries the request's trace and span.
        var duringRequests = entries.Where(e => Scope(e, "RequestId") is not null).ToList();
        Assert.NotEmpty(duringRequests);
        Assert.All(duringRequests, e => Assert.Matches("^[0-9a-f]{32}$", Scope(e, "TraceId") ?? ""));
        Assert.All(duringRequests, e => Assert.Matches("^[0-9a-f]{16}$", Scope(e, "SpanId") ?? ""));

        var text = api.Log;
        foreach (var (name, secret) in new[]
        {
            ("first access token", first.Token), ("access token", refreshed.Token), ("refresh token", first.RefreshToken),
            ("rotated refresh token", refreshed.RefreshToken), ("password", account.Password),
            ("upload URL signature", uploadUrl[(uploadUrl.IndexOf("sig=", StringComparison.Ordinal) + 4)..]),
            ("token signature", refreshed.Token.Split('.')[2]),
        })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the {name} is in the log");
        }
    }

    private static string? Scope(JsonObject entry, string name) =>
        entry["Scopes"]?.AsArray().Select(s => s?[name]).FirstOrDefault(v => v is not null)?.ToString();
}
