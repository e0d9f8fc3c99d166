using System.Net;
using BeatOrleans.Api.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

[Collection(BrowserGroup.Name)]
public sealed class AccountPagesTests(BrowserMarketplace marketplace)
{
    private const string StoredSession = "() => JSON.parse(localStorage.getItem('beatorleans.session'))";

    [Fact]
    public async Task The_access_token_is_refreshed_with_the_rotating_refresh_token_before_it_expires()
    {
        var page = await marketplace.NewPage();
        await page.SignUpInBrowser("rotating");
        var first = await page.EvaluateAsync<SessionTokens>(StoredSession);

        // Tokens live 70 s on this host; the page trades its refresh token a minute before expiry, without a request failing.
        await page.WaitForFunctionAsync($"() => {StoredSession[6..]}.refresh_token !== '{first.refresh_token}'", null, new() { Timeout = 30_000 });
        var second = await page.EvaluateAsync<SessionTokens>(StoredSession);
        Assert.NotEqual(first.token, second.token);

        // The session goes on with the new pair: an authenticated page loads, and the new access token is accepted.
        await page.Link("Purchases").ClickAsync();
        await Expect(page.GetByText("No purchases yet.")).ToBeVisibleAsync();
        var profile = await marketplace.Api.Send(HttpMethod.Get, "/api/users/profile", second.token);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
    }

    [Fact]
    public async Task A_user_edits_the_bio_and_a_producer_uploads_a_voice_tag()
    {
        var page = await marketplace.NewPage();
        var account = await page.SignUpInBrowser("profiled");
        await page.Link(account.Username).ClickAsync();

        await page.Field("Bio").FillAsync("Trap and drill producer from Lyon.");
        await page.Button("Save profile").ClickAsync();
        await Expect(page.GetByText("Profile saved.")).ToBeVisibleAsync();

        var tag = await Audio.Tone(880, 1.5, "wav");
        await page.Field("Voice tag file").SetInputFilesAsync(tag);
        await page.Button("Upload voice tag").ClickAsync();
        await Expect(page.GetByText("Voice tag saved (wav")).ToBeVisibleAsync();

        var tokens = await marketplace.Api.LogIn(account);
        var profile = await (await marketplace.Api.Send(HttpMethod.Get, "/api/users/profile", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Equal("Trap and drill producer from Lyon.", profile.Text("bio"));
    }

    [Fact]
    public async Task A_taken_username_is_refused_in_words_not_codes()
    {
        var taken = await marketplace.Api.SignUp(ApiClient.UniqueName("taken"));
        var page = await marketplace.NewPage();
        await page.GotoAsync("/signup");
        await page.Field("Username").FillAsync(taken.Username);
        await page.Field("Email").FillAsync($"{Guid.NewGuid():N}@example.com");
        await page.Field("Password").FillAsync(ApiClient.Password);
        await page.Button("Sign up").ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("taken");
        await Expect(alert).Not.ToContainTextAsync("409");
        await Expect(page.Link("Log in")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_refused_field_is_named_as_the_form_labels_it()
    {
        var page = await marketplace.NewPage();
        var account = await page.SignUpInBrowser("labelled");
        await page.Link(account.Username).ClickAsync();

        await page.Field("Username").FillAsync("no spaces allowed");
        await page.Button("Save profile").ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Please check the form." });
        await Expect(alert).ToContainTextAsync("Username: ");
        await Expect(alert).Not.ToContainTextAsync("username: ");
        await Expect(page.Field("Username")).ToHaveAttributeAsync("aria-invalid", "true");
    }

    [Fact]
    public async Task The_login_and_signup_pages_of_a_signed_in_user_offer_to_go_on_not_a_second_form()
    {
        var page = await marketplace.NewPage();
        var account = await page.SignUpInBrowser("already");

        await page.GotoAsync("/login?next=/purchases");
        await Expect(page.GetByText($"You are signed in as {account.Username}.")).ToBeVisibleAsync();
        await Expect(page.Field("Password")).ToHaveCountAsync(0);
        await page.Link("Continue").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your purchases" })).ToBeVisibleAsync();

        await page.GotoAsync("/signup");
        await Expect(page.GetByText($"You are signed in as {account.Username}.")).ToBeVisibleAsync();
        await Expect(page.Button("Sign up")).ToHaveCountAsync(0);
    }

    /// <summary>The session the page keeps in localStorage (names as stored).</summary>
    private sealed class SessionTokens
    {
        public string token { get; set; } = "";

        public string refresh_token { get; set; } = "";
    }

    [Fact]
    public async Task A_new_password_logs_the_other_devices_out_and_log_out_everywhere_ends_this_one_too()
    {
        var page = await marketplace.NewPage();
        var account = await page.SignUpInBrowser("rekeyed");
        var phone = await marketplace.Api.LogIn(account);
        await page.Link(account.Username).ClickAsync();

        // A wrong current password is named at its field, and changes nothing.
        await page.Field("Current password").FillAsync("not my password");
        await page.Field("New password").FillAsync("a brand new passphrase 42");
        await page.Button("Change password").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Please check the form." }))
            .ToContainTextAsync("Current password: ");
        await Expect(page.Field("Current password")).ToHaveAttributeAsync("aria-invalid", "true");
        var stillIn = await marketplace.Api.Send(HttpMethod.Get, "/api/users/profile", phone.Token);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);

        await page.Field("Current password").FillAsync(account.Password);
        await page.Field("New password").FillAsync("a brand new passphrase 42");
        await page.Button("Change password").ClickAsync();
        await Expect(page.GetByText("Password changed; 1 other session logged out.")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await marketplace.Api.Send(HttpMethod.Get, "/api/users/profile", phone.Token)).StatusCode);
        // This page's session goes on.
        await page.Link("Purchases").ClickAsync();
        await Expect(page.GetByText("No purchases yet.")).ToBeVisibleAsync();

        var laptop = await marketplace.Api.LogIn(account with { Password = "a brand new passphrase 42" });
        await page.Link(account.Username).ClickAsync();
        await page.Button("Log out everywhere").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await marketplace.Api.Send(HttpMethod.Get, "/api/users/profile", laptop.Token)).StatusCode);
    }
}
