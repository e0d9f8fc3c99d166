using System.Net;
using System.Net.Http.Json;

namespace BeatOrleans.Api.Tests.Users;

public sealed class LoginTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Login_answers_a_bearer_token_pair_for_the_account()
    {
        var account = await http.SignUp();

        var tokens = await http.LogIn(account);

        Assert.Equal("Bearer", tokens.TokenType);
        Assert.InRange(tokens.ExpiresIn, 60, 900);
        Assert.Equal(account.UserId, tokens.UserId);
        Assert.Equal(account.Username, tokens.Username);
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
        var profile = await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
    }

    [Fact]
    public async Task Login_accepts_the_email_in_any_case()
    {
        var account = await http.SignUp();

        var response = await http.PostAsJsonAsync("/api/users/login", new { email = account.Email.ToUpperInvariant(), password = account.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_get_the_same_401()
    {
        var account = await http.SignUp();

        var wrongPassword = await (await http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = "not the password" }))
            .Problem(HttpStatusCode.Unauthorized);
        var unknownEmail = await (await http.PostAsJsonAsync("/api/users/login", new { email = $"{Guid.NewGuid():N}@example.com", password = "not the password" }))
            .Problem(HttpStatusCode.Unauthorized);

        Assert.Equal(wrongPassword["title"]!.GetValue<string>(), unknownEmail["title"]!.GetValue<string>());
        Assert.Equal(wrongPassword["detail"]!.GetValue<string>(), unknownEmail["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Repeated_wrong_passwords_answer_429_with_retry_after_even_for_the_right_password()
    {
        var account = await http.SignUp();
        for (var i = 0; i < 5; i++)
        {
            var attempt = await http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = $"wrong-{i}-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        var response = await http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = account.Password });

        await response.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Login_without_a_password_answers_400()
    {
        var response = await http.PostAsJsonAsync("/api/users/login", new { email = "someone@example.com" });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]?["password"]);
    }
}

/// <summary>A host whose per-client limit is low enough to reach in a test.</summary>
public sealed class TightRateLimitHost() : MarketplaceHost(new() { ["RateLimits:CredentialsPerClientPerMinute"] = "3" });

public sealed class ClientRateLimitTests(TightRateLimitHost host) : IClassFixture<TightRateLimitHost>
{
    [Fact]
    public async Task A_client_over_its_credential_attempts_gets_429_with_retry_after()
    {
        var http = host.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var allowed = await http.PostAsJsonAsync("/api/users/login", new { email = $"{i}@example.com", password = "whatever-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        var response = await http.PostAsJsonAsync("/api/users/login", new { email = "4@example.com", password = "whatever-password" });

        await response.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}

/// <summary>A host whose clients get 12 credential attempts a minute: one comes back every 5 s.</summary>
public sealed class RefillingRateLimitHost()
    : MarketplaceHost(new() { ["RateLimits:CredentialsPerClientPerMinute"] = "12" });

public sealed class RetryAfterTests(RefillingRateLimitHost host) : IClassFixture<RefillingRateLimitHost>
{
    [Fact]
    public async Task Retry_after_says_when_the_next_credential_attempt_is_allowed()
    {
        var http = host.CreateClient();
        var refresh = new { refresh_token = "not-a-refresh-token" };
        HttpResponseMessage answer;
        var tries = 0;
        do
        {
            answer = await http.PostAsJsonAsync("/api/users/refresh", refresh);
            tries++;
        }
        while (answer.StatusCode != HttpStatusCode.TooManyRequests && tries < 20);

        await answer.Problem(HttpStatusCode.TooManyRequests);
        var wait = answer.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

        // Waiting as told is enough: the next attempt is taken (and refused only as a bad token).
        await Task.Delay(wait + TimeSpan.FromMilliseconds(300));
        var next = await http.PostAsJsonAsync("/api/users/refresh", refresh);
        Assert.Equal(HttpStatusCode.Unauthorized, next.StatusCode);
    }
}
