using System.Net;

namespace BeatOrleans.Api.Tests.Security;

public sealed class CorsHost() : MarketplaceHost(new() { ["Cors:Origins"] = "https://app.example.com; https://studio.example.com" });

/// <summary>Browsers on the origins of Cors:Origins may call the API; others (and every origin by default) may not.</summary>
public sealed class CorsTests(CorsHost host) : IClassFixture<CorsHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task A_configured_origin_may_call_and_read_the_headers_it_needs()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/purchases");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, idempotency-key");
        var answer = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://app.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("idempotency-key", answer.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/beats");
        get.Headers.Add("Origin", "https://studio.example.com");
        var beats = await http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, beats.StatusCode);
        Assert.Equal("https://studio.example.com", beats.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Retry-After", beats.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        // A client on another origin reads a beat's version, so its edits can name it in If-Match.
        Assert.Contains("ETag", beats.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_origin_gets_no_permission()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/beats");
        get.Headers.Add("Origin", "https://evil.example.net");
        var answer = await http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }
}

/// <summary>Without Cors:Origins no origin is allowed.</summary>
public sealed class CorsDefaultTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    [Fact]
    public async Task No_origin_is_allowed_by_default()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/beats");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        var answer = await host.CreateClient().SendAsync(preflight);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
