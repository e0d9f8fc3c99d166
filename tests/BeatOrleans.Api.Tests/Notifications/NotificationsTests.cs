using System.Net;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Notifications;

public sealed class NotificationsTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<JsonArray> Unread(Tokens tokens) =>
        (await (await http.Send(HttpMethod.Get, "/api/notifications?status=unread", tokens.Token)).Body(HttpStatusCode.OK))["notifications"]!.AsArray();

    private Task<JsonArray> EventuallyUnread(Tokens tokens, int count) =>
        Eventually.Until(() => Unread(tokens), unread => unread.Count >= count, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));

    [Fact]
    public async Task A_notification_names_what_it_is_about_the_conversation_the_beat_or_the_purchase()
    {
        var producerAccount = await http.SignUp();
        var producer = await http.LogIn(producerAccount);
        var buyer = await http.LogIn(await http.SignUp());
        var beat = await http.ReadyBeat(producer.Token);
        var sent = await (await http.Send(HttpMethod.Post, "/api/chat/send", buyer.Token,
            new { receiver = producerAccount.Username, message = "about your beat" })).Body(HttpStatusCode.Created);
        var purchase = await http.BuyAndPay(buyer.Token, beat.Id(), "mp3_lease");

        var forProducer = await Eventually.Until(() => Unread(producer), n => n.Count >= 3, TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(50));
        var subjects = forProducer.Select(n => (n!.Str("type"), n!["subject_type"]?.GetValue<string>(),
            n!["subject_id"]?.GetValue<string>())).ToList();
        Assert.Contains(("beat_ready", "beat", beat.Id()), subjects);
        Assert.Contains(("message", "chat", sent.Str("chat_id")), subjects);
        Assert.Contains(("sale", "purchase", purchase.PurchaseId()), subjects);
        var forBuyer = Assert.Single(await EventuallyUnread(buyer, 1))!;
        Assert.Equal(("purchase", "purchase", purchase.PurchaseId()),
            (forBuyer.Str("type"), forBuyer.Str("subject_type"), forBuyer.Str("subject_id")));
        // Each subject opens for the one notified.
        await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{sent.Str("chat_id")}", producer.Token))
            .Body(HttpStatusCode.OK);
        await (await http.Send(HttpMethod.Get, $"/api/purchases/{purchase.PurchaseId()}", producer.Token))
            .Body(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Notifications_come_a_page_at_a_time_newest_first_and_the_cursor_reaches_the_oldest()
    {
        var sender = await http.LogIn(await http.SignUp());
        var receiver = await http.SignUp();
        var receiverTokens = await http.LogIn(receiver);
        for (var i = 0; i < 5; i++)
        {
            var message = new { receiver = receiver.Username, message = $"m{i}" };
            await (await http.Send(HttpMethod.Post, "/api/chat/send", sender.Token, message))
                .Body(HttpStatusCode.Created);
        }

        await EventuallyUnread(receiverTokens, 5);
        var seen = new List<JsonNode>();
        var pages = new List<int>();
        string? cursor = null;
        do
        {
            var path = cursor is null
                ? "/api/notifications?limit=2"
                : $"/api/notifications?limit=2&cursor={Uri.EscapeDataString(cursor)}";
            var page = await (await http.Send(HttpMethod.Get, path, receiverTokens.Token)).Body(HttpStatusCode.OK);
            var items = page["notifications"]!.AsArray();
            pages.Add(items.Count);
            seen.AddRange(items.Select(n => n!));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages);
        Assert.Equal(5, seen.Select(n => n["notification_id"]!.GetValue<string>()).Distinct().Count());
        var times = seen.Select(n => n["created_at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        await (await http.Send(HttpMethod.Get, "/api/notifications?cursor=made-up", receiverTokens.Token))
            .Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_message_gives_the_receiver_one_unread_message_notification_naming_the_sender()
    {
        var alice = await http.SignUp();
        var aliceTokens = await http.LogIn(alice);
        var bob = await http.SignUp();
        var bobTokens = await http.LogIn(bob);

        await http.Send(HttpMethod.Post, "/api/chat/send", aliceTokens.Token, new { receiver = bob.Username, message = "hi" });

        var notification = Assert.Single(await EventuallyUnread(bobTokens, 1))!;
        Assert.Equal("message", notification["type"]!.GetValue<string>());
        Assert.Equal($"You have a new message from {alice.Username}", notification["message"]!.GetValue<string>());
        Assert.Equal("unread", notification["status"]!.GetValue<string>());
        Assert.Empty(await Unread(aliceTokens));
    }

    [Fact]
    public async Task Mark_as_read_one_then_all_and_the_unread_filter_follows()
    {
        var alice = await http.LogIn(await http.SignUp());
        var bob = await http.SignUp();
        var bobTokens = await http.LogIn(bob);
        for (var i = 0; i < 3; i++)
        {
            await http.Send(HttpMethod.Post, "/api/chat/send", alice.Token, new { receiver = bob.Username, message = $"m{i}" });
        }

        var unread = await EventuallyUnread(bobTokens, 3);
        Assert.Equal(3, unread.Count);
        var id = unread[0]!["notification_id"]!.GetValue<string>();

        var one = await (await http.Send(HttpMethod.Post, "/api/notifications/mark-as-read", bobTokens.Token, new { notification_id = id })).Body(HttpStatusCode.OK);
        Assert.Equal("read", one["status"]!.GetValue<string>());
        Assert.Equal(2, (await Unread(bobTokens)).Count);
        // Naming one and asking for all is refused, and marks nothing.
        var both = new { notification_id = unread[1]!["notification_id"]!.GetValue<string>(), all = true };
        await (await http.Send(HttpMethod.Post, "/api/notifications/mark-as-read", bobTokens.Token, both))
            .Problem(HttpStatusCode.BadRequest);
        Assert.Equal(2, (await Unread(bobTokens)).Count);

        await (await http.Send(HttpMethod.Post, "/api/notifications/mark-as-read", bobTokens.Token, new { all = true })).Body(HttpStatusCode.OK);
        Assert.Empty(await Unread(bobTokens));
        var all = (await (await http.Send(HttpMethod.Get, "/api/notifications", bobTokens.Token)).Body(HttpStatusCode.OK))["notifications"]!.AsArray();
        Assert.Equal(3, all.Count);
    }

    [Fact]
    public async Task Another_users_notification_id_answers_404_and_stays_unread()
    {
        var alice = await http.LogIn(await http.SignUp());
        var bob = await http.SignUp();
        var bobTokens = await http.LogIn(bob);
        await http.Send(HttpMethod.Post, "/api/chat/send", alice.Token, new { receiver = bob.Username, message = "hi" });
        var id = (await EventuallyUnread(bobTokens, 1))[0]!["notification_id"]!.GetValue<string>();

        await (await http.Send(HttpMethod.Post, "/api/notifications/mark-as-read", alice.Token, new { notification_id = id })).Problem(HttpStatusCode.NotFound);

        Assert.Single(await Unread(bobTokens));
    }

    [Fact]
    public async Task Bad_filters_and_empty_mark_requests_answer_400()
    {
        var tokens = await http.LogIn(await http.SignUp());

        await (await http.Send(HttpMethod.Get, "/api/notifications?status=bogus", tokens.Token)).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Post, "/api/notifications/mark-as-read", tokens.Token, new { })).Problem(HttpStatusCode.BadRequest);
    }
}
