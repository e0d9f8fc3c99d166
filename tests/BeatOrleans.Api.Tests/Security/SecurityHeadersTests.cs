using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>Headers a browser relies on, and answers that never name the server's types.</summary>
public sealed class SecurityHeadersTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/api/beats")]
    [InlineData("/api/users/profile")]
    [InlineData("/api/no-such-thing")]
    [InlineData("/dashboard/")]
    [InlineData("/scalar")]
    public async Task Every_answer_forbids_sniffing_and_framing(string path)
    {
        var response = await http.GetAsync(path);

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("frame-ancestors 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Answers_that_carry_credentials_are_never_stored()
    {
        var account = await http.SignUp();
        var login = await http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = account.Password });
        var tokens = (await login.Content.ReadFromJsonAsync<Tokens>(ApiClient.Json))!;
        var refresh = await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = tokens.RefreshToken });
        var uploadUrl = await http.Send(HttpMethod.Post, "/api/beats/upload-url", tokens.Token, new { });
        // And every answer for a signed-in caller: what they bought, sold, said and were told.
        var mine = await Task.WhenAll(new[] { "/api/sales", "/api/users/profile", "/api/notifications",
            $"/api/chat/history/{account.UserId}" }.Select(path => http.Send(HttpMethod.Get, path, tokens.Token)));

        foreach (var response in new[] { login, refresh, uploadUrl }.Concat(mine))
        {
            Assert.True(response.IsSuccessStatusCode, response.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage.RequestUri.AbsolutePath} lacks Cache-Control: no-store");
        }

        Assert.False((await http.GetAsync("/api/beats")).Headers.CacheControl?.NoStore ?? false, "the public catalogue may be cached");
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_a_field_error_in_the_apis_words()
    {
        var response = await http.GetAsync("/api/beats?price_max=abc&bpm_min=fast");
        var problem = await response.Problem(HttpStatusCode.BadRequest);
        var text = problem.ToJsonString();

        Assert.True(problem["errors"]!.AsObject().ContainsKey("price_max") || problem["errors"]!.AsObject().ContainsKey("bpm_min"), text);
        Assert.DoesNotContain("Nullable", text, StringComparison.Ordinal);
        Assert.DoesNotContain("decimal", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to bind", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_field_of_the_wrong_type_names_the_field_not_a_dotnet_type()
    {
        using var content = new StringContent("""{"username":5,"email":"x@example.com","password":"a long passphrase here"}""", Encoding.UTF8, "application/json");
        var problem = await (await http.PostAsync("/api/users/signup", content)).Problem(HttpStatusCode.BadRequest);
        var detail = problem["detail"]!.GetValue<string>();

        Assert.Contains("$.username", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("BeatOrleans", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_host_header_is_refused()
    {
        var account = await http.SignUp();
        var token = (await http.LogIn(account)).Token;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/beats/upload-url") { Content = JsonContent.Create(new { }) };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Host = "evil.example";

        var response = await http.SendAsync(request);

        // A problem like every other refusal, naming the header, not echoing it.
        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.Contains("Host header", problem.Str("detail"), StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", problem.ToJsonString(), StringComparison.Ordinal);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Host = "evil.example";
        await (await http.SendAsync(page)).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_local_upload_declared_over_the_limit_is_refused_before_its_body_is_sent()
    {
        var account = await http.SignUp();
        var token = (await http.LogIn(account)).Token;
        var grant = await http.PostJson("/api/beats/upload-url", token, new { }, HttpStatusCode.OK);
        var url = new Uri(grant["upload_url"]!.GetValue<string>());

        // Headers only: a server that read before refusing would wait for 211 MB that never come.
        var head = $"PUT {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Length: 211000000\r\nExpect: 100-continue\r\n\r\n";
        var answer = await RawHttp.Send(url, head, TimeSpan.FromSeconds(10));

        Assert.Contains("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP/1.1 100", answer, StringComparison.Ordinal);
    }

    [Fact]
    public void With_s3_storage_the_pages_may_load_previews_and_covers_from_the_buckets_public_endpoint_only()
    {
        var s3 = new BeatOrleans.Catalog.Files.Blobs.BlobStorageOptions { Provider = "s3" };
        s3.S3.ServiceUrl = "http://s3:9000";
        s3.S3.PublicServiceUrl = "https://media.example.com/bucket";
        var policy = BeatOrleans.Api.WebClient.ContentSecurityPolicy.For(s3).Split("; ");

        Assert.Contains("img-src 'self' https://media.example.com data:", policy);
        Assert.Contains("media-src 'self' https://media.example.com", policy);
        var local = BeatOrleans.Api.WebClient.ContentSecurityPolicy.For(new()).Split("; ");
        Assert.Contains("img-src 'self' data:", local);
    }
}
