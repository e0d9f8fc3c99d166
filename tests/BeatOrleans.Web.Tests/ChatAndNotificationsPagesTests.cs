using System.Net;
using System.Text.RegularExpressions;
using BeatOrleans.Api.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BeatOrleans.Web.Tests;

[Collection(BrowserGroup.Name)]
public sealed class ChatAndNotificationsPagesTests(BrowserMarketplace marketplace)
{
    [Fact]
    public async Task Buyer_and_producer_chat_in_two_browsers_with_live_delivery_both_ways()
    {
        var producerPage = await marketplace.NewPage();
        var producer = await producerPage.SignUpInBrowser("maker");
        var (_, _, beatId, _) = await marketplace.Api.ProducerWithReadyBeat(producer);
        await producerPage.Link("Messages").ClickAsync();
        await Expect(producerPage.GetByText("No conversations yet.")).ToBeVisibleAsync();

        var buyerPage = await marketplace.NewPage();
        var buyer = await buyerPage.SignUpInBrowser("fan");
        await buyerPage.GotoAsync($"/beats/{beatId}");
        await buyerPage.Button("Message producer").ClickAsync();
        await Expect(buyerPage.GetByRole(AriaRole.Heading, new() { Name = $"Chat with {producer.Username}" })).ToBeVisibleAsync();
        await buyerPage.Field("Message").FillAsync("Is the exclusive still open?");
        await buyerPage.Button("Send").ClickAsync();
        await Expect(buyerPage.GetByRole(AriaRole.Log)).ToContainTextAsync("Is the exclusive still open?");

        // The producer's page learns of the new conversation live, without a reload.
        var conversation = producerPage.GetByRole(AriaRole.Button).Filter(new() { HasText = buyer.Username });
        await Expect(conversation).ToBeVisibleAsync();
        await conversation.ClickAsync();
        await Expect(producerPage.GetByRole(AriaRole.Log)).ToContainTextAsync("Is the exclusive still open?");
        // Reading the conversation reads its message notification too.
        var producerToken = (await marketplace.Api.LogIn(producer)).Token;
        await Eventually.Holds(async () =>
        {
            var unread = await (await marketplace.Api.Send(HttpMethod.Get, "/api/notifications?status=unread",
                producerToken)).Body(System.Net.HttpStatusCode.OK);
            return unread["notifications"]!.AsArray().All(n => n!["type"]!.GetValue<string>() != "message");
        });

        await producerPage.Field("Message").FillAsync("It is. Make an offer!");
        await producerPage.Button("Send").ClickAsync();
        await Expect(buyerPage.GetByRole(AriaRole.Log)).ToContainTextAsync("It is. Make an offer!");

        await buyerPage.Field("Message").FillAsync("Buying it now.");
        await buyerPage.Field("Message").PressAsync("Enter");
        await Expect(producerPage.GetByRole(AriaRole.Log)).ToContainTextAsync("Buying it now.");
        await marketplace.Screenshot(producerPage, "chat");
    }

    [Fact]
    public async Task Unread_messages_are_counted_in_the_list_until_the_conversation_is_opened()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("unread");
        var fan = await marketplace.Api.LogIn(await marketplace.Api.SignUp(ApiClient.UniqueName("fan")));
        foreach (var text in new[] { "Hi!", "Is the exclusive open?" })
        {
            await marketplace.Api.PostJson("/api/chat/send", fan.Token,
                new { receiver = producer.Username, message = text }, HttpStatusCode.Created);
        }

        await page.Link("Messages").ClickAsync();
        var conversation = page.GetByRole(AriaRole.Button).Filter(new() { HasText = fan.Username });
        await Expect(conversation).ToContainTextAsync("2 unread");

        await conversation.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Log)).ToContainTextAsync("Is the exclusive open?");
        await Expect(conversation).Not.ToContainTextAsync("unread");
        // A message that arrives while the conversation is open is read where it shows.
        await marketplace.Api.PostJson("/api/chat/send", fan.Token,
            new { receiver = producer.Username, message = "Hello?" }, HttpStatusCode.Created);
        await Expect(page.GetByRole(AriaRole.Log)).ToContainTextAsync("Hello?");
        var tokens = await marketplace.Api.LogIn(producer);
        await Eventually.Holds(async () =>
        {
            var path = $"/api/chat/history/{tokens.UserId}";
            var history = await (await marketplace.Api.Send(HttpMethod.Get, path, tokens.Token))
                .Body(HttpStatusCode.OK);
            var chat = history["chats"]!.AsArray().Single()!;
            return chat["last_message"]!["content"]!.GetValue<string>() == "Hello?"
                && chat["unread_count"]!.GetValue<long>() == 0;
        });
        // As the server has it: a new look at the list shows no badge either.
        await page.ReloadAsync();
        await Expect(conversation).ToContainTextAsync("Hello?");
        await Expect(conversation).Not.ToContainTextAsync("unread");
    }

    [Fact]
    public async Task Conversations_past_the_first_page_are_listed_on_demand_and_open_from_a_link()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("popular");
        // 52 people write, the first one first: a page of the list holds the 50 most recent conversations.
        var callers = new List<string>();
        for (var i = 0; i < 52; i++)
        {
            var caller = await marketplace.Api.LogIn(await marketplace.Api.SignUp(ApiClient.UniqueName($"fan{i}")));
            var sent = await marketplace.Api.PostJson("/api/chat/send", caller.Token,
                new { receiver = producer.Username, message = $"hello from {i}" }, HttpStatusCode.Created);
            callers.Add(caller.Username);
            if (i == 0)
            {
                callers.Add(sent["chat_id"]!.GetValue<string>());
            }
        }

        var (oldest, oldestChat) = (callers[0], callers[1]);
        await page.Link("Messages").ClickAsync();
        var list = page.GetByRole(AriaRole.List, new() { Name = "Conversations" }).GetByRole(AriaRole.Button);
        await Expect(list).ToHaveCountAsync(50);
        await Expect(list.Filter(new() { HasText = oldest })).ToHaveCountAsync(0);
        await page.Button("Older conversations").ClickAsync();
        await Expect(list).ToHaveCountAsync(52);
        await Expect(page.Button("Older conversations")).ToBeHiddenAsync();
        await list.Filter(new() { HasText = oldest }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Log)).ToContainTextAsync("hello from 0");

        // A link to that conversation (a notification's) opens it though it is not on the first page.
        await page.GotoAsync($"/chat?chat={oldestChat}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Chat with {oldest}" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Log)).ToContainTextAsync("hello from 0");
    }

    [Fact]
    public async Task Chat_catches_up_after_the_live_connection_drops()
    {
        var producerPage = await marketplace.NewPage();
        // The page's chat WebSocket passes through the test, which can cut it (and refuse reconnects) like a network would.
        var cut = false;
        IWebSocketRoute? live = null;
        await producerPage.RouteWebSocketAsync(new Regex("/ws/chat/"), async socket =>
        {
            if (cut)
            {
                await socket.CloseAsync(new() { Code = 4000, Reason = "network down" });
                return;
            }

            socket.ConnectToServer();
            live = socket;
        });
        var producer = await producerPage.SignUpInBrowser("steady");
        var buyer = await marketplace.Api.LogIn(await marketplace.Api.SignUp(ApiClient.UniqueName("caller")));
        await marketplace.Api.PostJson("/api/chat/send", buyer.Token, new { receiver = producer.Username, message = "first" }, HttpStatusCode.Created);
        await producerPage.Link("Messages").ClickAsync();
        await producerPage.GetByRole(AriaRole.Button).Filter(new() { HasText = buyer.Username }).ClickAsync();
        await Expect(producerPage.GetByRole(AriaRole.Log)).ToContainTextAsync("first");
        await Eventually.Holds(() => Task.FromResult(live is not null));

        cut = true;
        await live!.CloseAsync(new() { Code = 4000, Reason = "network down" });
        await marketplace.Api.PostJson("/api/chat/send", buyer.Token, new { receiver = producer.Username, message = "sent while you were away" }, HttpStatusCode.Created);
        cut = false;

        // The page reconnects and reads what it missed with the `after` cursor, once.
        await Expect(producerPage.GetByRole(AriaRole.Log)).ToContainTextAsync("sent while you were away", new() { Timeout = 30_000 });
        await Expect(producerPage.GetByRole(AriaRole.Log).GetByText("first", new() { Exact = true })).ToHaveCountAsync(1);
        await Expect(producerPage.GetByRole(AriaRole.Log).GetByText("sent while you were away", new() { Exact = true })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Notification_bell_counts_live_and_marks_one_then_all_read()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("belled");
        var count = page.Locator("#bell-count");
        await Expect(count).ToBeHiddenAsync();

        // beat_ready arrives live once the upload is processed.
        var (_, tokens, _, _) = await marketplace.Api.ProducerWithReadyBeat(producer);
        await Expect(count).ToHaveTextAsync("1");
        var buyer = await marketplace.Api.LogIn(await marketplace.Api.SignUp(ApiClient.UniqueName("pinger")));
        await marketplace.Api.PostJson("/api/chat/send", buyer.Token, new { receiver = producer.Username, message = "hello" }, HttpStatusCode.Created);
        await Expect(count).ToHaveTextAsync("2");
        var bell = page.Button("Notifications");
        await Expect(bell).ToHaveAccessibleDescriptionAsync("2 unread");

        await bell.ClickAsync();
        var panel = page.Locator("#bell-panel");
        await Expect(panel.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await marketplace.Screenshot(page, "notifications");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Mark read", Exact = true }).First.ClickAsync();
        await Expect(count).ToHaveTextAsync("1");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Mark all read", Exact = true }).ClickAsync();
        await Expect(count).ToBeHiddenAsync();
        await Expect(bell).ToHaveAccessibleDescriptionAsync("No unread notifications");

        var unread = await (await marketplace.Api.Send(HttpMethod.Get, "/api/notifications?status=unread", tokens.Token)).Body(HttpStatusCode.OK);
        Assert.Empty(unread["notifications"]!.AsArray());
    }

    [Fact]
    public async Task A_notification_opens_what_it_is_about_and_is_read_then()
    {
        var page = await marketplace.NewPage();
        var producer = await page.SignUpInBrowser("linked");
        var (_, _, beatId, title) = await marketplace.Api.ProducerWithReadyBeat(producer);
        var buyer = await marketplace.Api.LogIn(await marketplace.Api.SignUp(ApiClient.UniqueName("asker")));
        var message = new { receiver = producer.Username, message = "Can I hear a longer preview?" };
        await marketplace.Api.PostJson("/api/chat/send", buyer.Token, message, HttpStatusCode.Created);
        var count = page.Locator("#bell-count");
        await Expect(count).ToHaveTextAsync("2");

        // The message's notification opens the conversation, and counts as read.
        await page.Button("Notifications").ClickAsync();
        var panel = page.Locator("#bell-panel");
        var notice = panel.GetByRole(AriaRole.Link, new() { Name = $"You have a new message from {buyer.Username}" });
        await notice.ClickAsync();
        var heading = page.GetByRole(AriaRole.Heading, new() { Name = $"Chat with {buyer.Username}" });
        await Expect(heading).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Log)).ToContainTextAsync("Can I hear a longer preview?");
        await Expect(panel).ToBeHiddenAsync();
        await Expect(count).ToHaveTextAsync("1");

        // The beat's notification opens the beat.
        await page.Button("Notifications").ClickAsync();
        await panel.GetByRole(AriaRole.Link).Filter(new() { HasText = "is ready and listed" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        Assert.EndsWith($"/beats/{beatId}", page.Url, StringComparison.Ordinal);
        await Expect(count).ToBeHiddenAsync();
    }
}
