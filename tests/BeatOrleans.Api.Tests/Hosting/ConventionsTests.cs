using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Hosting;

public sealed class ConventionsTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task An_unknown_path_answers_404_problem()
    {
        await (await http.GetAsync("/api/does-not-exist")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_method_answers_405_problem()
    {
        await (await http.DeleteAsync("/api/users/login")).Problem(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task A_body_that_is_not_json_answers_415_problem()
    {
        var response = await http.PostAsync("/api/users/login", new StringContent("email=a&password=b", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.Problem(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("{\"email\":")]
    [InlineData("{\"email\": 42, \"password\": \"x\"}")]
    [InlineData("")]
    public async Task Malformed_json_answers_400_problem(string json)
    {
        var response = await http.PostAsync("/api/users/login", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413_problem()
    {
        var bio = new string('a', 2 * 1024 * 1024);
        // With Expect: 100-continue the server refuses on the declared length before the body is sent; without it, the
        // server may answer and close while the client is still writing, and the client sees a broken pipe instead.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/signup")
        {
            Content = JsonContent.Create(new { username = "big", email = "big@example.com", password = bio }),
        };
        await request.Content.LoadIntoBufferAsync();
        request.Headers.ExpectContinue = true;
        var response = await http.SendAsync(request);

        await response.Problem(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_token_and_ready_lists_each_dependency()
    {
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        var ready = await (await http.GetAsync("/health/ready")).Body(HttpStatusCode.OK);

        Assert.Equal("Healthy", ready["status"]!.GetValue<string>());
        var names = ready["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("orleans", names);
        Assert.Contains("sqlite", names);
        Assert.Contains("blobs", names);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_users_endpoint_with_a_summary()
    {
        var document = await (await http.GetAsync("/openapi/v1.json")).Body(HttpStatusCode.OK);
        var paths = document["paths"]!.AsObject();

        foreach (var path in new[] { "/api/users/signup", "/api/users/login", "/api/users/refresh", "/api/users/profile",
                     "/api/users/profile/update", "/api/users/logout", "/api/users/{user_id}" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} missing from the OpenAPI document");
            foreach (var operation in paths[path]!.AsObject())
            {
                Assert.False(string.IsNullOrEmpty(operation.Value!["summary"]?.GetValue<string>()), $"{operation.Key} {path} has no summary");
            }
        }

        var signup = paths["/api/users/signup"]!["post"]!["requestBody"]!.ToJsonString();
        Assert.Contains("SignupRequest", signup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_reference_is_served()
    {
        var response = await http.GetAsync("/scalar/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", page, StringComparison.Ordinal);
        // Scalar's default web fonts come from fonts.scalar.com: off, so the page asks nothing of a third party.
        Assert.Contains("\"withDefaultFonts\":false", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_orleans_dashboard_is_open_in_the_embedded_profile()
    {
        var response = await http.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_uses_snake_case_field_names()
    {
        var account = await http.SignUp();
        var login = await http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = account.Password });

        var body = await login.Content.ReadFromJsonAsync<JsonObject>();

        Assert.NotNull(body!["token_type"]);
        Assert.NotNull(body["refresh_token"]);
        Assert.Null(body["tokenType"]);
    }
}
