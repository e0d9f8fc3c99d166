using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;

namespace BeatOrleans.Api.Tests.Users;

/// <summary>Changing a password, and logging out everywhere: what a user whose password leaked does.</summary>
public sealed class PasswordChangeTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private const string NewPassword = "a brand new passphrase 42";

    private readonly HttpClient http = host.CreateClient();

    private Task<HttpResponseMessage> Change(string? token, object body) =>
        http.Send(HttpMethod.Post, "/api/users/profile/password", token, body);

    private Task<HttpResponseMessage> Change(string? token, string current, string next) =>
        Change(token, new { current_password = current, new_password = next });

    private Task<HttpResponseMessage> Refresh(Tokens tokens) =>
        http.PostAsJsonAsync("/api/users/refresh", new { refresh_token = tokens.RefreshToken });

    private Task<HttpResponseMessage> Profile(Tokens tokens) =>
        http.Send(HttpMethod.Get, "/api/users/profile", tokens.Token);

    [Fact]
    public async Task A_changed_password_ends_every_other_session_at_once_and_the_callers_goes_on()
    {
        var account = await http.SignUp();
        var mine = await http.LogIn(account);
        var phone = await http.LogIn(account);
        var thief = await http.LogIn(account);
        var (thiefSocket, _) = await LiveClients.ConnectSocket(
            host.BaseAddress, $"/ws/notifications/{thief.UserId}", thief.Token, "notification");
        await (await Profile(thief)).Body(HttpStatusCode.OK);

        var changed = await (await Change(mine.Token, account.Password, NewPassword))
            .Body(HttpStatusCode.OK);

        Assert.Equal(account.UserId, changed.Str("user_id"));
        Assert.Equal(2, changed["sessions_ended"]!.GetValue<int>());
        // The other sessions: their access tokens, refresh tokens and live connections end now, not when they lapse.
        await (await Profile(phone)).Problem(HttpStatusCode.Unauthorized);
        await (await Profile(thief)).Problem(HttpStatusCode.Unauthorized);
        await (await Refresh(thief)).Problem(HttpStatusCode.Unauthorized);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "session ended"),
            await thiefSocket.WaitUntilClosed(TimeSpan.FromSeconds(10)));
        thiefSocket.Dispose();
        // The caller's session goes on, and refreshes.
        await (await Profile(mine)).Body(HttpStatusCode.OK);
        var refreshed = await (await Refresh(mine)).Body(HttpStatusCode.OK);
        Assert.Equal(account.UserId, refreshed.Str("user_id"));
        // The old password logs in no more; the new one does.
        var oldPassword = new { email = account.Email, password = account.Password };
        await (await http.PostAsJsonAsync("/api/users/login", oldPassword)).Problem(HttpStatusCode.Unauthorized);
        await http.LogIn(account with { Password = NewPassword });
    }

    [Fact]
    public async Task A_wrong_current_password_or_a_weak_new_one_changes_nothing()
    {
        var account = await http.SignUp();
        var mine = await http.LogIn(account);
        var other = await http.LogIn(account);

        var wrong = await (await Change(mine.Token, "not my password", NewPassword))
            .Problem(HttpStatusCode.BadRequest);
        Assert.Contains("current password is wrong", wrong["errors"]!["current_password"]![0]!.GetValue<string>(),
            StringComparison.Ordinal);
        var weak = await (await Change(mine.Token, account.Password, "password1"))
            .Problem(HttpStatusCode.BadRequest);
        Assert.True(weak["errors"]!.AsObject().ContainsKey("new_password"));
        var named = await (await Change(mine.Token, account.Password, account.Username))
            .Problem(HttpStatusCode.BadRequest);
        Assert.True(named["errors"]!.AsObject().ContainsKey("new_password"));
        var same = await (await Change(mine.Token, account.Password, account.Password))
            .Problem(HttpStatusCode.BadRequest);
        Assert.Contains("differ", same["errors"]!["new_password"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var missing = await (await Change(mine.Token, new { new_password = NewPassword }))
            .Problem(HttpStatusCode.BadRequest);
        Assert.True(missing["errors"]!.AsObject().ContainsKey("current_password"));
        await (await Change(null, account.Password, NewPassword))
            .Problem(HttpStatusCode.Unauthorized);

        // Nothing changed: the password logs in, the other session works.
        await http.LogIn(account);
        await (await Profile(other)).Body(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Guessing_the_current_password_with_a_stolen_token_is_stopped_and_the_owner_can_still_change_it()
    {
        var account = await http.SignUp();
        var stolen = await http.LogIn(account);
        var owner = await http.LogIn(account);
        for (var i = 0; i < 5; i++)
        {
            await (await Change(stolen.Token, $"guess {i} of many", NewPassword))
                .Problem(HttpStatusCode.BadRequest);
        }

        // The sixth is refused before it is checked, even with the right password...
        var throttled = await Change(stolen.Token, account.Password, NewPassword);
        await throttled.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // ...while the owner's own session changes the password, which ends the thief's session.
        var changed = await (await Change(owner.Token, account.Password, NewPassword)).Body(HttpStatusCode.OK);
        Assert.Equal(1, changed["sessions_ended"]!.GetValue<int>());
        await (await Profile(stolen)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logging_out_everywhere_ends_every_session_the_callers_too()
    {
        var account = await http.SignUp();
        var phone = await http.LogIn(account);
        var laptop = await http.LogIn(account);
        var tablet = await http.LogIn(account);
        await (await http.Send(HttpMethod.Post, "/api/users/logout", tablet.Token)).Body(HttpStatusCode.OK);

        var answer = await (await http.Send(HttpMethod.Post, "/api/users/logout/all", phone.Token))
            .Body(HttpStatusCode.OK);

        Assert.True(answer["logged_out"]!.GetValue<bool>());
        Assert.Equal(2, answer["sessions_ended"]!.GetValue<int>());
        foreach (var session in new[] { phone, laptop })
        {
            await (await Profile(session)).Problem(HttpStatusCode.Unauthorized);
            await (await Refresh(session)).Problem(HttpStatusCode.Unauthorized);
        }

        await (await http.Send(HttpMethod.Post, "/api/users/logout/all", null)).Problem(HttpStatusCode.Unauthorized);
        await (await Profile(await http.LogIn(account))).Body(HttpStatusCode.OK);
    }
}
