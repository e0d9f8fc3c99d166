using System.Net;
using System.Net.Http.Json;

namespace BeatOrleans.Api.Tests;

public sealed class SignupTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Signup_creates_an_account_and_answers_201_with_its_public_fields()
    {
        var username = ApiClient.UniqueName();
        var response = await http.PostAsJsonAsync("/api/users/signup",
            new { username, email = $"{username}@example.com", password = ApiClient.Password });

        var body = await response.Body(HttpStatusCode.Created);
        Assert.Equal(username, body["username"]!.GetValue<string>());
        Assert.Equal($"{username}@example.com", body["email"]!.GetValue<string>());
        Assert.EndsWith("Z", body["created_at"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(body["password"]);
        Assert.Equal($"/api/users/{body["user_id"]}", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("ab", "ok@example.com", "long enough", "username")]
    [InlineData("has space", "ok@example.com", "long enough", "username")]
    [InlineData("waaaaaaaaaaaaaaaaaaaaaaaaaaaaaytoolong", "ok@example.com", "long enough", "username")]
    [InlineData("fine_name", "not-an-email", "long enough", "email")]
    [InlineData("fine_name", "ok@example.com", "short", "password")]
    [InlineData(null, "ok@example.com", "long enough", "username")]
    [InlineData("fine_name", null, "long enough", "email")]
    public async Task Signup_with_an_invalid_field_answers_400_naming_the_field(string? username, string? email, string? password, string field)
    {
        var response = await http.PostAsJsonAsync("/api/users/signup", new { username, email, password });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task A_username_taken_in_another_case_answers_409()
    {
        var first = await http.SignUp();

        var response = await http.PostAsJsonAsync("/api/users/signup",
            new { username = first.Username.ToUpperInvariant(), email = $"{Guid.NewGuid():N}@example.com", password = ApiClient.Password });

        await response.Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_email_taken_in_another_case_answers_409()
    {
        var first = await http.SignUp();

        var response = await http.PostAsJsonAsync("/api/users/signup",
            new { username = ApiClient.UniqueName(), email = first.Email.ToUpperInvariant(), password = ApiClient.Password });

        await response.Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Twenty_parallel_signups_with_one_email_create_exactly_one_account()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => http.PostAsJsonAsync("/api/users/signup",
            new { username = ApiClient.UniqueName(), email, password = ApiClient.Password })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.Created);
        var login = await http.PostAsJsonAsync("/api/users/login", new { email, password = ApiClient.Password });
        Assert.Equal((await winner.Body(HttpStatusCode.Created))["user_id"]!.GetValue<string>(),
            (await login.Body(HttpStatusCode.OK))["user_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Twenty_parallel_signups_with_one_username_create_exactly_one_account()
    {
        var username = ApiClient.UniqueName();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => http.PostAsJsonAsync("/api/users/signup",
            new { username, email = $"{Guid.NewGuid():N}@example.com", password = ApiClient.Password })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }
}
