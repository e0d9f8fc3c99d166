using System.Net;
using BeatOrleans.Api.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

/// <summary>A host of its own whose chat allows 2 messages per user per 10 s, so the page meets a 429.</summary>
public sealed class ThrottledHost() : MarketplaceHost(new() { ["RateLimits:MessagesPerUserPer10Seconds"] = "2" });

[Collection(BrowserGroup.Name)]
public sealed class RateLimitPagesTests(BrowserMarketplace marketplace) : IAsyncLifetime
{
    private readonly ThrottledHost host = new();
    private IPage? page;

    public Task InitializeAsync() => host.InitializeAsync();

    public async Task DisposeAsync()
    {
        // The page's live connections first: a host stops gracefully only once its WebSockets are closed.
        if (page is not null)
        {
            await page.Context.CloseAsync();
        }

        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_429_waits_as_Retry_After_says_then_sends_once()
    {
        using var api = host.CreateClient();
        var receiver = await api.SignUp(ApiClient.UniqueName("quiet"));
        page = await marketplace.NewPage(on: host);
        await page.SignUpInBrowser("chatty");
        await page.GotoAsync($"/chat?with={receiver.UserId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Chat with {receiver.Username}" })).ToBeVisibleAsync();

        foreach (var text in new[] { "one", "two" })
        {
            await page.Field("Message").FillAsync(text);
            await page.Button("Send").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Log).GetByText(text, new() { Exact = true })).ToHaveCountAsync(1);
        }

        // The third message meets 429: the page says it waits, waits Retry-After seconds, and sends it once.
        await page.Field("Message").FillAsync("three");
        await page.Button("Send").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("slow down");
        await Expect(page.GetByRole(AriaRole.Log).GetByText("three", new() { Exact = true })).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        var tokens = await api.LogIn(receiver);
        var history = await (await api.Send(HttpMethod.Get, $"/api/chat/history/{receiver.UserId}", tokens.Token)).Body(HttpStatusCode.OK);
        var chatId = history["chats"]![0]!.Text("chat_id");
        var messages = await (await api.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Equal(["one", "two", "three"], messages["messages"]!.AsArray().Select(m => m!.Text("content")));
    }
}
