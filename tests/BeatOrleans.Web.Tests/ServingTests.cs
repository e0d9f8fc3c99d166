using System.Net;
using BeatOrleans.Api.Tests;

namespace BeatOrleans.Web.Tests;

/// <summary>How the API serves the client: index.html at / and client routes, the files, its policy; the API's own
/// answers unchanged (a JSON 404 for an unknown API path, 405 for a wrong method).</summary>
[Collection(BrowserGroup.Name)]
public sealed class ServingTests(BrowserMarketplace marketplace) : IDisposable
{
    // Not the contract-checked client: these answers are pages, outside the OpenAPI document.
    private readonly HttpClient http = new() { BaseAddress = marketplace.Host.BaseAddress };

    [Theory]
    [InlineData("/")]
    [InlineData("/beats/some-beat")]
    [InlineData("/chat")]
    public async Task The_page_and_its_routes_answer_index_html_with_a_self_only_policy(string path)
    {
        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"/js/main.js\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/js/main.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task The_files_are_served_with_their_types_and_revalidated(string path, string type)
    {
        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/api")]
    [InlineData("/hubs/nothing")]
    [InlineData("/health/nothing")]
    [InlineData("/no-such-file.js")]
    [InlineData("//api/beats")] // a client whose base URL ends in '/'
    [InlineData("/api%2Fnothing")]
    [InlineData("/api;x/nothing")]
    public async Task Server_paths_keep_their_json_404(string path)
    {
        // Joined as text: "//api/beats" on its own would read as a URL naming the host "api".
        var url = new Uri(http.BaseAddress!.GetLeftPart(UriPartial.Authority) + path);
        await (await http.GetAsync(url)).Problem(HttpStatusCode.NotFound);
    }

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task A_wrong_method_on_an_api_path_is_still_405()
    {
        var response = await http.DeleteAsync("/api/beats");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
