using System.Net;
using System.Net.Http.Json;

namespace BeatOrleans.Api.Tests.Users;

public sealed class ProfileTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    [Fact]
    public async Task Profile_shows_the_callers_own_account()
    {
        var account = await http.SignUp();
        var tokens = await http.LogIn(account);

        var profile = await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);

        Assert.Equal(account.UserId, profile["user_id"]!.GetValue<string>());
        Assert.Equal(account.Username, profile["username"]!.GetValue<string>());
        Assert.Equal(account.Email, profile["email"]!.GetValue<string>());
        Assert.Equal("", profile["bio"]!.GetValue<string>());
        Assert.Empty(profile["purchased_beats"]!.AsArray());
        Assert.NotNull(profile["created_at"]);
    }

    [Fact]
    public async Task A_change_shows_on_the_very_next_read_of_a_profile_that_was_just_read()
    {
        var account = await http.SignUp();
        var tokens = await http.LogIn(account);
        var other = await http.LogIn(await http.SignUp());
        await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, $"/api/users/{account.UserId}", other.Token)).Body(HttpStatusCode.OK);

        var username = ApiClient.UniqueName("renamed");
        var change = new { username, bio = "changed" };
        await (await http.Send(HttpMethod.Put, "/api/users/profile/update", tokens.Token, change)).Body(HttpStatusCode.OK);

        var own = await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Equal(username, own["username"]!.GetValue<string>());
        Assert.Equal("changed", own["bio"]!.GetValue<string>());
        var seen = await (await http.Send(HttpMethod.Get, $"/api/users/{account.UserId}", other.Token))
            .Body(HttpStatusCode.OK);
        Assert.Equal(username, seen["username"]!.GetValue<string>());
        Assert.Equal("changed", seen["bio"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_changes_username_email_and_bio()
    {
        var tokens = await http.LogIn(await http.SignUp());
        var username = ApiClient.UniqueName("renamed");
        var email = $"{Guid.NewGuid():N}@example.org";

        var updated = await (await http.Send(HttpMethod.Put, "/api/users/profile/update", tokens.Token, new { username, email, bio = "Trap & drill producer" }))
            .Body(HttpStatusCode.OK);

        Assert.Equal(username, updated["username"]!.GetValue<string>());
        Assert.Equal(email, updated["email"]!.GetValue<string>());
        Assert.Equal("Trap & drill producer", updated["bio"]!.GetValue<string>());
        var relogin = await http.PostAsJsonAsync("/api/users/login", new { email, password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.OK, relogin.StatusCode);
    }

    [Fact]
    public async Task Update_ignores_fields_other_than_username_email_and_bio()
    {
        var account = await http.SignUp();
        var tokens = await http.LogIn(account);

        var updated = await (await http.Send(HttpMethod.Put, "/api/users/profile/update", tokens.Token,
            new { bio = "hello", purchased_beats = new[] { "free-beat" }, user_id = "someone-else", created_at = "2000-01-01T00:00:00Z" }))
            .Body(HttpStatusCode.OK);

        Assert.Equal(account.UserId, updated["user_id"]!.GetValue<string>());
        Assert.Empty(updated["purchased_beats"]!.AsArray());
        Assert.NotEqual("2000-01-01T00:00:00Z", updated["created_at"]!.GetValue<string>());
        var profile = await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Empty(profile["purchased_beats"]!.AsArray());
        Assert.Equal("hello", profile["bio"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_to_a_taken_username_answers_409_and_keeps_the_old_one()
    {
        var other = await http.SignUp();
        var account = await http.SignUp();
        var tokens = await http.LogIn(account);

        var response = await http.Send(HttpMethod.Put, "/api/users/profile/update", tokens.Token, new { username = other.Username.ToUpperInvariant() });

        await response.Problem(HttpStatusCode.Conflict);
        var profile = await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Equal(account.Username, profile["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_username_given_up_can_be_taken_by_someone_else()
    {
        var account = await http.SignUp();
        var tokens = await http.LogIn(account);
        await http.Send(HttpMethod.Put, "/api/users/profile/update", tokens.Token, new { username = ApiClient.UniqueName("moved") });

        var response = await http.PostAsJsonAsync("/api/users/signup",
            new { username = account.Username, email = $"{Guid.NewGuid():N}@example.com", password = ApiClient.Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("username", "x")]
    [InlineData("email", "nope")]
    [InlineData("username", "0190a5b2c3d47e8f9a0b1c2d3e4f5a6b")] // the shape of a user id
    [InlineData("username", "0190a5b2c3d47e8f9a0b1c2d3e4f5a6b\n")] // the same with a final newline
    public async Task Update_with_an_invalid_field_answers_400(string field, string value)
    {
        var tokens = await http.LogIn(await http.SignUp());

        var response = await http.Send(HttpMethod.Put, "/api/users/profile/update", tokens.Token, new Dictionary<string, string> { [field] = value });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Theory]
    [InlineData("%20")]
    [InlineData("%09")]
    [InlineData("%E3%80%80")]
    [InlineData("not-an-id")]
    public async Task A_public_profile_asked_by_a_blank_or_malformed_id_is_404(string id)
    {
        var viewer = await http.LogIn(await http.SignUp());

        await (await http.Send(HttpMethod.Get, $"/api/users/{id}", viewer.Token)).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_public_profile_never_shows_the_email()
    {
        var account = await http.SignUp();
        var viewer = await http.LogIn(await http.SignUp());

        var profile = await (await http.Send(HttpMethod.Get, $"/api/users/{account.UserId}", viewer.Token)).Body(HttpStatusCode.OK);

        Assert.Equal(account.Username, profile["username"]!.GetValue<string>());
        Assert.Null(profile["email"]);
        Assert.DoesNotContain(account.Email, profile.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_user_answers_404()
    {
        var viewer = await http.LogIn(await http.SignUp());

        var response = await http.Send(HttpMethod.Get, $"/api/users/{Guid.NewGuid():N}", viewer.Token);

        await response.Problem(HttpStatusCode.NotFound);
    }
}
