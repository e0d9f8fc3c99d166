using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BeatOrleans.Api.Tests.Users;

public sealed class SessionTokenTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<HttpStatusCode> ProfileStatus(string token) =>
        (await http.Send(HttpMethod.Get, "/api/users/profile", token)).StatusCode;

    [Fact]
    public async Task Logout_revokes_the_access_token_on_the_very_next_request()
    {
        var tokens = await http.LogIn(await http.SignUp());
        Assert.Equal(HttpStatusCode.OK, await ProfileStatus(tokens.Token));

        var logout = await http.Send(HttpMethod.Post, "/api/users/logout", tokens.Token, new { token = tokens.Token });

        Assert.True((await logout.Body(HttpStatusCode.OK))["logged_out"]!.GetValue<bool>());
        await (await http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_also_ends_the_refresh_token()
    {
        var tokens = await http.LogIn(await http.SignUp());

        await http.Send(HttpMethod.Post, "/api/users/logout", tokens.Token);

        var refresh = await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = tokens.RefreshToken });
        await refresh.Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_ends_only_the_callers_session()
    {
        var account = await http.SignUp();
        var phone = await http.LogIn(account);
        var laptop = await http.LogIn(account);

        await http.Send(HttpMethod.Post, "/api/users/logout", phone.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(phone.Token));
        Assert.Equal(HttpStatusCode.OK, await ProfileStatus(laptop.Token));
    }

    [Fact]
    public async Task Refresh_rotates_the_pair_and_the_new_access_token_works()
    {
        var first = await http.LogIn(await http.SignUp());

        var response = await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = first.RefreshToken });

        var second = (await response.Content.ReadFromJsonAsync<Tokens>(ApiClient.Json))!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(first.UserId, second.UserId);
        Assert.Equal(HttpStatusCode.OK, await ProfileStatus(second.Token));
    }

    [Fact]
    public async Task Reusing_an_old_refresh_token_revokes_the_session_for_everyone()
    {
        var first = await http.LogIn(await http.SignUp());
        var second = (await (await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = first.RefreshToken }))
            .Content.ReadFromJsonAsync<Tokens>(ApiClient.Json))!;
        Assert.Equal(HttpStatusCode.OK, await ProfileStatus(second.Token)); // this node now remembers the session open

        var replay = await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = first.RefreshToken });

        await replay.Problem(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(second.Token));
        var next = await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = second.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, next.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("0123456789abcdef0123456789abcdef.not-the-secret")]
    public async Task A_malformed_or_unknown_refresh_token_is_refused(string token)
    {
        var response = await http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = token });

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest);
        await response.Problem(response.StatusCode);
    }

    [Fact]
    public async Task No_token_answers_401_problem()
    {
        var response = await http.GetAsync("/api/users/profile");

        await response.Problem(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_tampered_token_answers_401()
    {
        var tokens = await http.LogIn(await http.SignUp());
        var parts = tokens.Token.Split('.');
        var otherUser = await http.LogIn(await http.SignUp());
        var forged = $"{parts[0]}.{otherUser.Token.Split('.')[1]}.{parts[2]}";

        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(tokens.Token[..^2] + "xx"));
    }

    [Fact]
    public async Task An_expired_token_answers_401_while_the_same_claims_unexpired_pass()
    {
        var tokens = await http.LogIn(await http.SignUp());
        var claims = new JsonWebToken(tokens.Token);
        var now = DateTime.UtcNow;

        var fresh = Sign(claims, SecurityAlgorithms.HmacSha256, issued: now, expires: now.AddMinutes(5));
        var expired = Sign(claims, SecurityAlgorithms.HmacSha256, issued: now.AddMinutes(-20), expires: now.AddMinutes(-2));

        Assert.Equal(HttpStatusCode.OK, await ProfileStatus(fresh));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(expired));
    }

    [Fact]
    public async Task A_correctly_signed_token_living_longer_than_the_configured_lifetime_answers_401()
    {
        var tokens = await http.LogIn(await http.SignUp());
        var claims = new JsonWebToken(tokens.Token);
        var now = DateTime.UtcNow;

        var normal = Sign(claims, SecurityAlgorithms.HmacSha256, issued: now, expires: now.AddMinutes(15));
        var yearLong = Sign(claims, SecurityAlgorithms.HmacSha256, issued: now, expires: now.AddYears(1));
        var issuedInTheFuture = Sign(claims, SecurityAlgorithms.HmacSha256, issued: now.AddYears(1).AddMinutes(-10), expires: now.AddYears(1), notBefore: now);
        var withoutIssuedAt = Sign(claims, SecurityAlgorithms.HmacSha256, issued: null, expires: now.AddMinutes(5));

        Assert.Equal(HttpStatusCode.OK, await ProfileStatus(normal));
        await (await http.Send(HttpMethod.Get, "/api/users/profile", yearLong)).Problem(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(issuedInTheFuture));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(withoutIssuedAt));
    }

    [Fact]
    public async Task Tokens_signed_with_another_algorithm_or_unsigned_answer_401()
    {
        var tokens = await http.LogIn(await http.SignUp());
        var claims = new JsonWebToken(tokens.Token);
        var now = DateTime.UtcNow;
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = claims.Issuer,
            Audience = claims.Audiences.Single(),
            Expires = now.AddMinutes(5),
            Subject = new ClaimsIdentity(claims.Claims.Where(c => c.Type is "sub" or "sid")),
        });

        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(Sign(claims, SecurityAlgorithms.HmacSha512, now, now.AddMinutes(5))));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatus(unsigned));
    }

    private string Sign(JsonWebToken template, string algorithm, DateTime? issued, DateTime expires, DateTime? notBefore = null)
    {
        var key = Convert.FromBase64String(File.ReadAllText(Path.Combine(host.DataDirectory, "jwt-signing.key")).Trim());
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = template.Issuer,
            Audience = template.Audiences.Single(),
            IssuedAt = issued,
            NotBefore = notBefore ?? issued,
            Expires = expires,
            Subject = new ClaimsIdentity(template.Claims.Where(c => c.Type is "sub" or "sid" or "unique_name")),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), algorithm),
        });
    }
}
