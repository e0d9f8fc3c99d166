using BeatOrleans.Api.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

[Collection(BrowserGroup.Name)]
public sealed class LayoutTests(BrowserMarketplace marketplace)
{
    [Fact]
    public async Task Pages_fit_a_phone_screen_without_sideways_scrolling()
    {
        var (_, _, beatId, _) = await marketplace.Api.ProducerWithReadyBeat();
        var page = await marketplace.NewPage(width: 390, height: 844);
        await page.SignUpInBrowser("phone");
        foreach (var (path, name) in new[] { ("/", "phone-catalogue"), ($"/beats/{beatId}", "phone-beat"), ("/upload", "phone-upload"), ("/chat", "phone-chat") })
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a 390 px screen");
            await marketplace.Screenshot(page, name);
        }
    }

    [Fact]
    public async Task Signing_up_and_logging_out_work_with_the_keyboard_alone()
    {
        var page = await marketplace.NewPage();
        await page.GotoAsync("/signup");
        await page.Field("Username").FocusAsync();
        await page.Keyboard.TypeAsync(ApiClient.UniqueName("keys"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync($"{Guid.NewGuid():N}@example.com");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(ApiClient.Password);
        await page.Keyboard.PressAsync("Enter");
        var logout = page.Button("Log out");
        await Expect(logout).ToBeVisibleAsync();

        await logout.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Link("Log in")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_page_loads_nothing_from_elsewhere_and_breaks_no_content_security_rule()
    {
        var page = await marketplace.NewPage();
        var foreign = new List<string>();
        var violations = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(marketplace.Host.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                foreign.Add(request.Url);
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                violations.Add(message.Text);
            }
        };
        await page.GotoAsync("/");
        await page.SignUpInBrowser("policy");
        await page.GotoAsync("/upload");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upload a beat" })).ToBeVisibleAsync();
        Assert.Empty(foreign);
        Assert.Empty(violations);
    }
}
