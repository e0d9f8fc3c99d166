using System.Globalization;
using System.Text.Json.Nodes;
using BeatOrleans.Api.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

/// <summary>What a person does in the web client, found by role and accessible name as a screen reader would.</summary>
public static class Pages
{
    public static ILocator Button(this IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public static ILocator Link(this IPage page, string name) => page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public static ILocator Field(this IPage page, string label) => page.GetByLabel(label, new() { Exact = true });

    /// <summary>Signs up through the page (which logs the new account in) and answers the account.</summary>
    public static async Task<Account> SignUpInBrowser(this IPage page, string prefix = "web")
    {
        var account = new Account("", ApiClient.UniqueName(prefix), $"{Guid.NewGuid():N}@example.com", ApiClient.Password);
        await page.GotoAsync("/");
        await page.Link("Sign up").ClickAsync();
        await page.Field("Username").FillAsync(account.Username);
        await page.Field("Email").FillAsync(account.Email);
        await page.Field("Password").FillAsync(account.Password);
        await page.Button("Sign up").ClickAsync();
        await Expect(page.Button("Log out")).ToBeVisibleAsync();
        await Expect(page.Link(account.Username)).ToBeVisibleAsync();
        return account;
    }

    /// <summary>A producer (made over the API) with a ready beat: a WAV made by FFmpeg, uploaded and processed.</summary>
    public static async Task<(Account Producer, Tokens Tokens, string BeatId, string Title)> ProducerWithReadyBeat(
        this HttpClient api, Account? producer = null, string genre = "trap", int bpm = 140, decimal lowestPrice = 29.99m)
    {
        producer ??= await api.SignUp(ApiClient.UniqueName("prod"));
        var tokens = await api.LogIn(producer);
        var title = $"Beat {Guid.NewGuid():N}"[..17];
        var wav = await Loops.Wav(6);
        var beat = await api.UploadBeat(tokens.Token, wav, new()
        {
            ["title"] = title,
            ["genre"] = genre,
            ["bpm"] = bpm.ToString(CultureInfo.InvariantCulture),
            ["tags"] = "dark,808",
            ["licenses"] = $$"""[{"license_type":"mp3_lease","price":{{lowestPrice.ToString(CultureInfo.InvariantCulture)}}},{"license_type":"wav_lease","price":49.99},{"license_type":"exclusive","price":499}]""",
        });
        var ready = await api.WaitUntilProcessed(beat.Id());
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        await api.SearchUntil($"q={Uri.EscapeDataString(title)}", items => items.Count == 1);
        return (producer, tokens, beat.Id(), title);
    }

    public static string Text(this JsonNode node, string name) => node[name]!.GetValue<string>();
}
