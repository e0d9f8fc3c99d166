using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>A node behind a proxy on the loopback network that it trusts; clients reach it as https://beats.example.com.</summary>
public sealed class BehindProxyHost() : MarketplaceHost(new()
{
    ["ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
    ["AllowedHosts"] = "localhost;127.0.0.1;beats.example.com",
    ["RateLimits:CredentialsPerClientPerMinute"] = "2",
});

/// <summary>A node that trusts no proxy (the default), with the same low limit.</summary>
public sealed class NoProxyHost() : MarketplaceHost(new() { ["RateLimits:CredentialsPerClientPerMinute"] = "2" });

public sealed class ProxyHeadersTests(BehindProxyHost host) : IClassFixture<BehindProxyHost>
{
    [Fact]
    public async Task Credential_limits_count_per_client_address_the_trusted_proxy_forwards()
    {
        var http = host.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(http, "203.0.113.7")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(http, "203.0.113.7")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Login(http, "203.0.113.7")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(http, "198.51.100.20")).StatusCode);
    }

    [Fact]
    public async Task Signed_urls_carry_the_scheme_and_allowed_host_the_proxy_forwards()
    {
        var http = host.CreateClient();
        var token = (await http.LogIn(await http.SignUp())).Token;

        var forwarded = await UploadUrl(http, token, ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "beats.example.com"));
        Assert.StartsWith("https://beats.example.com/api/beats/uploads/", forwarded, StringComparison.Ordinal);

        // A forwarded host that AllowedHosts does not name is not applied: the URL keeps the host the request reached.
        var forged = await UploadUrl(http, token, ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil.example"));
        Assert.DoesNotContain("evil.example", forged, StringComparison.Ordinal);
    }

    internal static async Task<HttpResponseMessage> Login(HttpClient http, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/login")
        {
            Content = JsonContent.Create(new { email = $"{Guid.NewGuid():N}@example.com", password = "whatever-password" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await http.SendAsync(request);
    }

    private static async Task<string> UploadUrl(HttpClient http, string token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/beats/upload-url") { Content = BeatsClient.Json(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return (await (await http.SendAsync(request)).Body(HttpStatusCode.OK))["upload_url"]!.GetValue<string>();
    }
}

public sealed class UntrustedProxyHeadersTests(NoProxyHost host) : IClassFixture<NoProxyHost>
{
    [Fact]
    public async Task Without_a_known_proxy_a_client_cannot_pick_its_address_with_x_forwarded_for()
    {
        var http = host.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await ProxyHeadersTests.Login(http, "203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ProxyHeadersTests.Login(http, "203.0.113.2")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ProxyHeadersTests.Login(http, "203.0.113.3")).StatusCode);
    }
}
