using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>A node that also listens on every interface (0.0.0.0), as a deployment does.</summary>
public sealed class AllInterfacesHost() : MarketplaceHost(
    new() { ["Operators:Password"] = AllInterfacesHost.OperatorPassword },
    listen: o => o.Listen(IPAddress.Any, 0))
{
    public const string OperatorPassword = "a-long-operator-secret";
}

public sealed class DashboardAccessTests(AllInterfacesHost host) : IClassFixture<AllInterfacesHost>
{
    [Fact]
    public async Task The_dashboard_asks_for_the_operator_login_once_the_node_listens_beyond_loopback()
    {
        var http = host.CreateClient();
        http.BaseAddress = new Uri($"http://127.0.0.1:{host.BaseAddress.Port}"); // the node listens on 0.0.0.0: reach it on loopback

        var anonymous = await http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("operator:a-long-operator-secret"u8.ToArray()));
        var operatorAnswer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, operatorAnswer.StatusCode);
        Assert.Equal("DENY", Assert.Single(operatorAnswer.Headers.GetValues("X-Frame-Options")));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://10.0.0.7:5080", false)]
    public void Only_loopback_addresses_count_as_local(string address, bool loopback) =>
        Assert.Equal(loopback, Api.Security.DashboardAccessHandler.IsLoopback(address));
}

/// <summary>A node on every interface whose operator login allows three wrong passwords per address.</summary>
public sealed class GuardedOperatorHost() : MarketplaceHost(
    new() { ["Operators:Password"] = AllInterfacesHost.OperatorPassword, ["Operators:MaxFailures"] = "3" },
    listen: o => o.Listen(IPAddress.Any, 0));

public sealed class OperatorLoginThrottleTests(GuardedOperatorHost host) : IClassFixture<GuardedOperatorHost>
{
    [Fact]
    public async Task Wrong_operator_passwords_from_one_address_are_refused_429_after_the_limit_even_a_right_one()
    {
        var http = host.CreateClient();
        http.BaseAddress = new Uri($"http://127.0.0.1:{host.BaseAddress.Port}");
        async Task<HttpResponseMessage> Dashboard(string password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"operator:{password}")));
            return await http.SendAsync(request);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Dashboard($"guess-{i}")).StatusCode);
        }

        // Past the limit the password is not even checked: guessing goes no faster than the window allows.
        var refused = await Dashboard(AllInterfacesHost.OperatorPassword);
        await refused.Problem(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }
}

/// <summary>A node behind a proxy: clients reach it as https://beats.example.com.</summary>
public sealed class PublicUrlHost() : MarketplaceHost(new() { ["PublicBaseUrl"] = "https://beats.example.com" });

public sealed class PublicBaseUrlTests(PublicUrlHost host) : IClassFixture<PublicUrlHost>
{
    [Fact]
    public async Task A_published_node_asks_for_the_operator_login_even_on_loopback()
    {
        // A proxy on the same machine makes every visitor's request come from loopback: published, the node cannot
        // tell them from its own user, so the dashboard (its live log included) needs the operator login.
        var http = host.CreateClient();
        foreach (var path in new[] { "/dashboard/", "/dashboard/DashboardCounters" })
        {
            var answer = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
    }

    [Fact]
    public async Task Signed_urls_start_with_the_public_base_url_whatever_host_the_request_named()
    {
        var http = host.CreateClient();
        var token = (await http.LogIn(await http.SignUp())).Token;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/beats/upload-url") { Content = BeatsClient.Json(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Host = "beats.example.com";

        var grant = await (await http.SendAsync(request)).Body(HttpStatusCode.OK);

        Assert.StartsWith("https://beats.example.com/api/beats/uploads/", grant["upload_url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("https://beats.example.com/api/beats/uploads/", grant["file_url"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}

/// <summary>
/// Unclaimed uploads are kept three seconds, looked for every second: short, and still room for a test to look at an
/// upload, or claim it, before the sweep may take it on a loaded machine.
/// </summary>
public sealed class ShortRetentionHost() : MarketplaceHost(new()
{
    ["Catalog:UnclaimedUploadRetention"] = "00:00:03",
    ["Catalog:UnclaimedUploadSweepPeriod"] = "00:00:01",
});

public sealed class UnclaimedUploadTests(ShortRetentionHost host) : IClassFixture<ShortRetentionHost>
{
    private readonly HttpClient http = host.CreateClient();

    private string Incoming => Path.Combine(host.DataDirectory, "blobs", "incoming");

    [Fact]
    public async Task An_upload_no_beat_claims_is_deleted_after_its_retention_and_its_file_url_stops_working()
    {
        var (token, fileUrl) = await PutToUploadUrl(seconds: 1);
        Assert.NotEmpty(Directory.EnumerateFiles(Incoming, "*", SearchOption.AllDirectories));

        await Eventually.Until(() => !Directory.EnumerateFiles(Incoming, "*", SearchOption.AllDirectories).Any(),
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));

        Assert.Empty(Directory.EnumerateFiles(Incoming, "*", SearchOption.AllDirectories));
        var claim = await http.Send(HttpMethod.Post, "/api/beats/upload", token, new { title = "Too late", file_url = fileUrl });
        Assert.True((await claim.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("file_url"));
    }

    [Fact]
    public async Task A_claimed_upload_leaves_the_incoming_folder_and_survives_the_sweep()
    {
        var (token, fileUrl) = await PutToUploadUrl(seconds: 2);

        var beat = await http.PostJson("/api/beats/upload", token, new { title = "Claimed", file_url = fileUrl }, HttpStatusCode.Accepted);
        Assert.DoesNotContain(Directory.EnumerateFiles(Incoming, "*", SearchOption.AllDirectories), f => fileUrl.EndsWith(Path.GetFileName(f), StringComparison.Ordinal));
        // Past the retention and a sweep, on purpose: the master must not be swept.
        await Task.Delay(TimeSpan.FromSeconds(4.5));

        var processed = await http.WaitUntilProcessed(beat.Id());
        Assert.True(processed["status"]!.GetValue<string>() == "ready", processed.ToJsonString());
    }

    /// <summary>A new user's audio PUT to an upload URL, not yet named in an upload.</summary>
    private async Task<(string Token, string FileUrl)> PutToUploadUrl(double seconds)
    {
        var token = (await http.LogIn(await http.SignUp())).Token;
        var grant = await http.PostJson("/api/beats/upload-url", token, new { }, HttpStatusCode.OK);
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(220, seconds, "wav"));
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync(grant["upload_url"]!.GetValue<string>(), new ByteArrayContent(wav))).StatusCode);
        return (token, grant["file_url"]!.GetValue<string>());
    }
}
