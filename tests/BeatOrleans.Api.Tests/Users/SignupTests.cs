using System.Net;
using System.Net.Http.Json;
using BeatOrleans.Api.Users;

namespace BeatOrleans.Api.Tests.Users;

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
    // The shape of a user id, in either case.
    [InlineData("0190a5b2c3d47e8f9a0b1c2d3e4f5a6b", "ok@example.com", "long enough", "username")]
    [InlineData("0190A5B2C3D47E8F9A0B1C2D3E4F5A6B", "ok@example.com", "long enough", "username")]
    // A final newline: '$' in a pattern would let it through, and the name is stored trimmed.
    [InlineData("0190a5b2c3d47e8f9a0b1c2d3e4f5a6b\n", "ok@example.com", "long enough", "username")]
    [InlineData("fine_name\n", "ok@example.com", "long enough", "username")]
    // A full-width letter in the domain: IDNA maps it to "example.com", which would be a second key for one mailbox.
    [InlineData("fine_name", "ok@\uff45xample.com", "long enough", "email")]
    public async Task Signup_with_an_invalid_field_answers_400_naming_the_field(string? username, string? email, string? password, string field)
    {
        var response = await http.PostAsJsonAsync("/api/users/signup", new { username, email, password });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Theory]
    [InlineData("Zq7!xkP", "at least 8 characters")]
    [InlineData("\U0001F3B9\U0001F3A7\U0001F3A4\U0001F3B8", "at least 8 characters")] // four emoji: eight UTF-16 units
    [InlineData("password", "too common")]
    [InlineData("PassWord", "too common")]
    [InlineData("12345678", "too common")]
    [InlineData("iloveyou ", "too common")]
    [InlineData("        ", "too common")]
    [InlineData("zzzzzzzzzzzz", "too common")]
    public async Task A_short_common_or_trivially_guessed_password_is_refused_with_the_reason(string password, string reason)
    {
        var response = await http.PostAsJsonAsync("/api/users/signup",
            new { username = ApiClient.UniqueName(), email = $"{Guid.NewGuid():N}@example.com", password });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem["errors"]!["password"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("username")]
    [InlineData("email")]
    [InlineData("email local part")]
    public async Task A_password_that_is_the_username_or_email_is_refused(string which)
    {
        var username = ApiClient.UniqueName();
        var email = $"{ApiClient.UniqueName("mail")}@example.com";
        var password = which switch
        {
            "username" => username.ToUpperInvariant(),
            "email" => email,
            _ => email.Split('@')[0],
        };

        var response = await http.PostAsJsonAsync("/api/users/signup", new { username, email, password });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.Contains("username or email", problem["errors"]!["password"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plum quartz lantern overture")]
    [InlineData("żółw-kot")]
    public async Task A_passphrase_or_an_uncommon_eight_character_password_is_accepted_and_logs_in(string password)
    {
        var email = $"{Guid.NewGuid():N}@example.com";

        var signup = await http.PostAsJsonAsync("/api/users/signup", new { username = ApiClient.UniqueName(), email, password });

        Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/users/login", new { email, password })).StatusCode);
    }

    [Fact]
    public void The_common_passwords_list_ships_at_least_ten_thousand_lower_case_entries()
    {
        using var stream = typeof(UsersEndpoints).Assembly.GetManifestResourceStream(CommonPasswords.ResourceName);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        var entries = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.True(entries.Length >= 10_000, $"{entries.Length} entries");
        Assert.Contains("password", entries);
        Assert.All(entries, e => Assert.Equal(e.ToLowerInvariant(), e));
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
    public async Task An_email_written_with_a_combining_accent_is_refused_so_the_composed_one_stays_one_account()
    {
        var local = $"{Guid.NewGuid():N}"[..10];
        var composed = $"\u00e9{local}@example.com";
        var decomposed = $"e\u0301{local}@example.com";
        var created = await http.PostAsJsonAsync("/api/users/signup",
            new { username = ApiClient.UniqueName(), email = composed, password = ApiClient.Password });
        await created.Body(HttpStatusCode.Created);

        var again = await http.PostAsJsonAsync("/api/users/signup",
            new { username = ApiClient.UniqueName(), email = decomposed, password = ApiClient.Password });
        Assert.True((await again.Problem(HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("email"));
        var login = await http.PostAsJsonAsync("/api/users/login",
            new { email = composed, password = ApiClient.Password });
        await login.Body(HttpStatusCode.OK);
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
