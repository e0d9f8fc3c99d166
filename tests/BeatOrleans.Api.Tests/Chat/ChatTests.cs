using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace BeatOrleans.Api.Tests.Chat;

public sealed class ChatTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<(Account Account, Tokens Tokens)> NewUser()
    {
        var account = await http.SignUp();
        return (account, await http.LogIn(account));
    }

    private async Task<JsonObject> Send(Tokens from, string receiver, string message) =>
        await (await http.Send(HttpMethod.Post, "/api/chat/send", from.Token, new { receiver, message })).Body(HttpStatusCode.Created);

    private async Task<SentMessageView> Sent(Tokens from, string receiver, string message) => (await Send(from, receiver, message)).As<SentMessageView>();

    [Fact]
    public async Task Sending_by_username_answers_201_with_the_message_and_both_can_read_it()
    {
        var (alice, aliceTokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();

        var sent = await Send(aliceTokens, bob.Username.ToUpperInvariant(), "Let's collaborate!");

        Assert.Equal(alice.Username, sent["sender"]!.GetValue<string>());
        Assert.Equal(bob.Username, sent["receiver"]!.GetValue<string>());
        Assert.Equal("Let's collaborate!", sent["content"]!.GetValue<string>());
        var chatId = sent["chat_id"]!.GetValue<string>();
        foreach (var reader in new[] { aliceTokens, bobTokens })
        {
            var messages = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}", reader.Token)).Body(HttpStatusCode.OK);
            var only = Assert.Single(messages["messages"]!.AsArray());
            Assert.Equal(alice.Username, only!["sender"]!.GetValue<string>());
            Assert.Equal(sent["message_id"]!.GetValue<string>(), only["message_id"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task The_same_pair_shares_one_chat_whoever_writes_first()
    {
        var (alice, aliceTokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();

        var first = await Sent(aliceTokens, bob.UserId, "hi");
        var reply = await Sent(bobTokens, alice.Username, "Sure, let's do it!");

        Assert.NotNull(first.ChatId);
        Assert.Equal(first.ChatId, reply.ChatId);
        var history = await (await http.Send(HttpMethod.Get, $"/api/chat/history/{bob.UserId}", bobTokens.Token)).Body<ChatHistoryView>(HttpStatusCode.OK);
        var chat = Assert.Single(history.Chats);
        Assert.Equal(new[] { alice.Username, bob.Username }.Order(), chat.Participants.Order());
        Assert.Equal("Sure, let's do it!", chat.LastMessage.Content);
    }

    [Fact]
    public async Task A_user_id_as_receiver_always_reaches_that_user_even_when_an_older_account_is_named_like_it()
    {
        var (alice, _) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        // An account created before such names were refused, named like alice's id (the API now answers 400 to it).
        var impostorId = Guid.CreateVersion7().ToString("N");
        var registered = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(impostorId)
            .Register(new Signup(alice.UserId, $"{impostorId}@example.com", ApiClient.Password));
        Assert.Equal(SignupStatus.Created, registered.Status);
        // Alice's id in capitals is no user's id and may not pass for the impostor's name either; nor may the node
        // remember the impostor under alice's id from that lookup.
        await (await http.Send(HttpMethod.Post, "/api/chat/send", bobTokens.Token,
            new { receiver = alice.UserId.ToUpperInvariant(), message = "for whom?" }))
            .Problem(HttpStatusCode.NotFound);

        var sent = await Sent(bobTokens, alice.UserId, "for alice only");

        Assert.Equal(alice.Username, sent.Receiver);
        var aliceTokens = await http.LogIn(alice);
        var history = await (await http.Send(HttpMethod.Get, $"/api/chat/history/{alice.UserId}", aliceTokens.Token))
            .Body<ChatHistoryView>(HttpStatusCode.OK);
        Assert.Equal("for alice only", Assert.Single(history.Chats).LastMessage.Content);
    }

    [Fact]
    public async Task The_chat_history_comes_a_page_at_a_time_most_recent_first()
    {
        var (me, myTokens) = await NewUser();
        var others = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (_, tokens) = await NewUser();
            await Send(tokens, me.Username, $"hello {i}");
            others.Add(tokens.Username);
        }

        var history = $"/api/chat/history/{me.UserId}";
        var first = await (await http.Send(HttpMethod.Get, $"{history}?limit=2", myTokens.Token))
            .Body<ChatHistoryView>(HttpStatusCode.OK);
        Assert.Equal(["hello 2", "hello 1"], first.Chats.Select(c => c.LastMessage.Content));
        Assert.NotNull(first.NextCursor);
        var second = await (await http.Send(
                HttpMethod.Get, $"{history}?limit=2&cursor={Uri.EscapeDataString(first.NextCursor)}", myTokens.Token))
            .Body<ChatHistoryView>(HttpStatusCode.OK);
        Assert.Equal(["hello 0"], second.Chats.Select(c => c.LastMessage.Content));
        Assert.Null(second.NextCursor);
        await (await http.Send(HttpMethod.Get, $"{history}?cursor=c1.x", myTokens.Token))
            .Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_third_user_cannot_read_the_chat_or_the_history()
    {
        var (_, aliceTokens) = await NewUser();
        var (bob, _) = await NewUser();
        var (_, eveTokens) = await NewUser();
        var chatId = (await Sent(aliceTokens, bob.Username, "secret")).ChatId;

        await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}", eveTokens.Token)).Problem(HttpStatusCode.Forbidden);
        await (await http.Send(HttpMethod.Get, $"/api/chat/history/{bob.UserId}", eveTokens.Token)).Problem(HttpStatusCode.Forbidden);
    }

    private async Task<long> UnreadIn(Tokens reader, string chatId)
    {
        var history = await (await http.Send(HttpMethod.Get, $"/api/chat/history/{reader.UserId}", reader.Token))
            .Body(HttpStatusCode.OK);
        return history["chats"]!.AsArray().Single(c => c!["chat_id"]!.GetValue<string>() == chatId)!["unread_count"]!
            .GetValue<long>();
    }

    private async Task<HttpResponseMessage> MarkRead(Tokens reader, string chatId, string? messageId = null) =>
        await http.Send(HttpMethod.Post, $"/api/chat/messages/{chatId}/read", reader.Token,
            messageId is null ? new { } : new { message_id = messageId });

    [Fact]
    public async Task The_history_counts_each_chats_unread_messages_until_the_reader_marks_them_read()
    {
        var (alice, aliceTokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        var first = await Sent(aliceTokens, bob.Username, "Is the exclusive open?");
        await Sent(aliceTokens, bob.Username, "I can pay today.");
        var chatId = first.ChatId;
        Assert.Equal(2, await UnreadIn(bobTokens, chatId));
        Assert.Equal(0, await UnreadIn(aliceTokens, chatId));

        // Read up to the first message: one left; then all of it, with no body.
        var partly = await (await MarkRead(bobTokens, chatId, first.MessageId)).Body(HttpStatusCode.OK);
        Assert.Equal(first.MessageId, partly["last_read_message_id"]!.GetValue<string>());
        Assert.Equal(1, partly["unread_count"]!.GetValue<long>());
        Assert.Equal(1, await UnreadIn(bobTokens, chatId));
        using (var empty = new HttpRequestMessage(HttpMethod.Post, $"/api/chat/messages/{chatId}/read"))
        {
            empty.Headers.Authorization = new("Bearer", bobTokens.Token);
            var all = await (await http.SendAsync(empty)).Body(HttpStatusCode.OK);
            Assert.Equal(0, all["unread_count"]!.GetValue<long>());
        }

        Assert.Equal(0, await UnreadIn(bobTokens, chatId));
        // A reply is read by its sender and unread to the other.
        await Sent(bobTokens, alice.Username, "It is.");
        Assert.Equal(0, await UnreadIn(bobTokens, chatId));
        Assert.Equal(1, await UnreadIn(aliceTokens, chatId));

        // Only a participant marks a chat read, and only with a message of that chat.
        var (_, eveTokens) = await NewUser();
        await (await MarkRead(eveTokens, chatId)).Problem(HttpStatusCode.Forbidden);
        await (await MarkRead(eveTokens, "not-a-chat")).Problem(HttpStatusCode.Forbidden);
        var other = await Sent(eveTokens, alice.Username, "hello");
        var refused = await (await MarkRead(aliceTokens, chatId, other.MessageId)).Problem(HttpStatusCode.BadRequest);
        Assert.True(refused["errors"]!.AsObject().ContainsKey("message_id"));
        Assert.Equal(1, await UnreadIn(aliceTokens, chatId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u200b\u200b")] // zero-width spaces
    [InlineData("\ufeff")] // a byte-order mark
    [InlineData("\u3164\u2800")] // a Hangul filler and the blank Braille pattern
    [InlineData("\u0301")] // a combining accent on nothing
    public async Task An_empty_message_answers_400(string message)
    {
        var (_, tokens) = await NewUser();
        var (bob, _) = await NewUser();

        await (await http.Send(HttpMethod.Post, "/api/chat/send", tokens.Token, new { receiver = bob.Username, message })).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_message_over_4000_characters_answers_400_and_4000_pass()
    {
        var (_, tokens) = await NewUser();
        var (bob, _) = await NewUser();

        await (await http.Send(HttpMethod.Post, "/api/chat/send", tokens.Token, new { receiver = bob.Username, message = new string('a', 4001) }))
            .Problem(HttpStatusCode.BadRequest);
        await Send(tokens, bob.Username, new string('a', 4000));
    }

    [Fact]
    public async Task Unknown_receiver_404_yourself_400_someone_elses_sender_403()
    {
        var (me, tokens) = await NewUser();
        var (other, _) = await NewUser();

        await (await http.Send(HttpMethod.Post, "/api/chat/send", tokens.Token, new { receiver = "nobody_" + Guid.NewGuid().ToString("N")[..8], message = "hi" }))
            .Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Post, "/api/chat/send", tokens.Token, new { receiver = me.Username, message = "hi" }))
            .Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Post, "/api/chat/send", tokens.Token, new { sender = other.Username, receiver = other.Username, message = "hi" }))
            .Problem(HttpStatusCode.Forbidden);
        await (await http.Send(HttpMethod.Post, "/api/chat/send", tokens.Token, new { sender = me.Username, receiver = other.Username, message = "hi" }))
            .Body(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Messages_are_stored_and_returned_as_text()
    {
        var (_, tokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        const string markup = "<script>alert('x')</script> & <b>bold</b>";

        var chatId = (await Sent(tokens, bob.Username, markup)).ChatId;

        var messages = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}", bobTokens.Token)).Body<MessagesView>(HttpStatusCode.OK);
        Assert.Equal(markup, messages.Messages[0].Content);
    }

    [Fact]
    public async Task Paging_with_limit_and_before_walks_the_whole_conversation_oldest_first()
    {
        var (_, tokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        string chatId = "";
        for (var i = 0; i < 25; i++)
        {
            chatId = (await Sent(tokens, bob.Username, $"m{i}")).ChatId;
        }

        var seen = new List<string>();
        string? before = null;
        do
        {
            var query = before is null ? "?limit=10" : $"?limit=10&before={before}";
            var page = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}{query}", bobTokens.Token)).Body<MessagesView>(HttpStatusCode.OK);
            seen.InsertRange(0, page.Messages.Select(m => m.Content));
            before = page.NextBefore;
        }
        while (before is not null);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"m{i}"), seen);
        // Without a limit, a page is the contract's default 20: the newest, oldest first.
        var newest = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}", bobTokens.Token))
            .Body<MessagesView>(HttpStatusCode.OK);
        Assert.Equal(Enumerable.Range(5, 20).Select(i => $"m{i}"), newest.Messages.Select(m => m.Content));
        await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}?limit=101", bobTokens.Token)).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}?before=garbage", bobTokens.Token)).Problem(HttpStatusCode.BadRequest);
        // Only a message id as the API writes it: no sign, space or leading zero.
        foreach (var odd in new[] { "%2B3", "%203", "03", "00000000000000000000000000001" })
        {
            var path = $"/api/chat/messages/{chatId}?before={chatId}.{odd}";
            await (await http.Send(HttpMethod.Get, path, bobTokens.Token)).Problem(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task A_reader_back_online_catches_up_with_after_from_the_last_message_it_saw()
    {
        var (_, tokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add((await Sent(tokens, bob.Username, $"m{i}")).MessageId);
        }

        var chatId = ids[0].Split('.')[0];
        var seen = new List<string>();
        string? after = ids[6]; // bob went offline after m6
        do
        {
            var page = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}?limit=7&after={after}", bobTokens.Token)).Body<MessagesView>(HttpStatusCode.OK);
            seen.AddRange(page.Messages.Select(m => m.Content));
            Assert.NotNull(page.NextBefore);
            after = page.NextAfter;
        }
        while (after is not null);

        Assert.Equal(Enumerable.Range(7, 18).Select(i => $"m{i}"), seen);
        var caughtUp = await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}?after={ids[^1]}", bobTokens.Token)).Body<MessagesView>(HttpStatusCode.OK);
        Assert.Empty(caughtUp.Messages);
        Assert.Null(caughtUp.NextAfter);
        await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}?after=garbage", bobTokens.Token)).Problem(HttpStatusCode.BadRequest);
        await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}?after={ids[1]}&before={ids[5]}", bobTokens.Token)).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_rename_shows_at_once_in_what_the_renamed_user_sends_and_receives()
    {
        var (_, aliceTokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        await Send(aliceTokens, bob.Username, "before");
        await Send(bobTokens, (await NewUser()).Account.Username, "bob, as the node knows him");

        var renamed = ApiClient.UniqueName("renamed");
        await (await http.Send(HttpMethod.Put, "/api/users/profile/update", bobTokens.Token, new { username = renamed })).Body(HttpStatusCode.OK);

        // Bob writes first: the node's cached name for his id must already be gone.
        Assert.Equal(renamed, (await Send(bobTokens, aliceTokens.Username, "from the new name"))["sender"]!.GetValue<string>());
        Assert.Equal(renamed, (await Send(aliceTokens, renamed, "by the new name"))["receiver"]!.GetValue<string>());
        await Eventually.Holds(
            async () => (await (await http.Send(HttpMethod.Get, "/api/notifications", aliceTokens.Token)).Body(HttpStatusCode.OK))["notifications"]!
                .AsArray().Any(n => n!["message"]!.GetValue<string>() == $"You have a new message from {renamed}"),
            TimeSpan.FromSeconds(10), "alice's notification names bob by his new name", TimeSpan.FromMilliseconds(50));
    }

    private async Task<HttpResponseMessage> SendKeyed(Tokens from, string receiver, string message, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/send")
        {
            Content = JsonContent.Create(new { receiver, message }),
        };
        request.Headers.Authorization = new("Bearer", from.Token);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await http.SendAsync(request);
    }

    private async Task<JsonArray> Messages(Tokens reader, string chatId) =>
        (await (await http.Send(HttpMethod.Get, $"/api/chat/messages/{chatId}", reader.Token))
            .Body(HttpStatusCode.OK))["messages"]!.AsArray();

    private async Task<int> MessageNotices(Tokens reader, string from) =>
        (await (await http.Send(HttpMethod.Get, "/api/notifications", reader.Token))
            .Body(HttpStatusCode.OK))["notifications"]!.AsArray()
            .Count(n => n!["message"]!.GetValue<string>() == $"You have a new message from {from}");

    [Fact]
    public async Task A_send_repeated_with_its_idempotency_key_is_stored_and_notified_once()
    {
        var (alice, aliceTokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        var key = Guid.NewGuid().ToString();

        // A retry after a lost answer, racing two more from other tabs, and one a while later.
        var racing = await Task.WhenAll(
            Enumerable.Range(0, 3).Select(_ => SendKeyed(aliceTokens, bob.Username, "Deal at $300?", key)));
        var sent = await Task.WhenAll(racing.Select(r => r.Body(HttpStatusCode.Created)));
        var later = await (await SendKeyed(aliceTokens, bob.UserId, "Deal at $300?", key)).Body(HttpStatusCode.Created);

        var id = Assert.Single(sent.Append(later).Select(s => s["message_id"]!.GetValue<string>()).Distinct());
        var chatId = later["chat_id"]!.GetValue<string>();
        Assert.Equal(id, Assert.Single(await Messages(bobTokens, chatId))!["message_id"]!.GetValue<string>());

        // The same text under a new key is a new message.
        var again = await (await SendKeyed(aliceTokens, bob.Username, "Deal at $300?", Guid.NewGuid().ToString()))
            .Body(HttpStatusCode.Created);
        Assert.NotEqual(id, again["message_id"]!.GetValue<string>());
        Assert.Equal(2, (await Messages(aliceTokens, chatId)).Count);
        await Eventually.Holds(async () => await MessageNotices(bobTokens, alice.Username) >= 2,
            TimeSpan.FromSeconds(10), "bob is told of both messages", TimeSpan.FromMilliseconds(50));
        await Task.Delay(500);
        Assert.Equal(2, await MessageNotices(bobTokens, alice.Username));
    }

    [Fact]
    public async Task A_key_reused_for_another_text_answers_422_and_the_other_side_has_keys_of_its_own()
    {
        var (alice, aliceTokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        const string key = "order-7f3a";

        var first = await (await SendKeyed(aliceTokens, bob.Username, "Is the exclusive open?", key))
            .Body(HttpStatusCode.Created);
        var reused = await (await SendKeyed(aliceTokens, bob.Username, "Something else", key))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Idempotency-Key", reused["title"]!.GetValue<string>(), StringComparison.Ordinal);

        // A key is its sender's own: bob's reply under the same key is his message.
        var reply = await (await SendKeyed(bobTokens, alice.Username, "Yes it is.", key)).Body(HttpStatusCode.Created);
        Assert.NotEqual(first["message_id"]!.GetValue<string>(), reply["message_id"]!.GetValue<string>());
        var messages = await Messages(aliceTokens, first["chat_id"]!.GetValue<string>());
        Assert.Equal(["Is the exclusive open?", "Yes it is."], messages.Select(m => m!["content"]!.GetValue<string>()));

        foreach (var bad in new[] { new string('k', 256), "two words" })
        {
            var problem = await (await SendKeyed(aliceTokens, bob.Username, "hello", bad))
                .Problem(HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]?["Idempotency-Key"]);
        }

        Assert.Equal(2, (await Messages(aliceTokens, first["chat_id"]!.GetValue<string>())).Count);
    }

    [Fact]
    public async Task A_client_key_shaped_like_an_offer_card_key_does_not_stand_for_the_card()
    {
        var (producer, producerTokens) = await NewUser();
        var (_, buyerTokens) = await NewUser();
        var beat = await http.ReadyBeat(producerTokens.Token, new() { ["title"] = "Key clash" });
        var made = await (await http.MakeOffer(buyerTokens.Token, beat.Id(), "wav_lease", 25m, "25?"))
            .Body(HttpStatusCode.Created);
        var offerId = made.Str("offer_id");

        // The producer's own message under the key the offer grain gives its "accepted" card.
        var clash = $"offer:{offerId}.offer.accepted";
        var sent = await (await SendKeyed(producerTokens, buyerTokens.Username, "let me think", clash))
            .Body(HttpStatusCode.Created);
        await (await http.AnswerOffer(producerTokens.Token, offerId, "accept")).Body(HttpStatusCode.OK);

        var chatId = sent["chat_id"]!.GetValue<string>();
        var accepted = await Eventually.Until(
            async () => (await Messages(buyerTokens, chatId))
                .Where(m => m!["offer"]?["status"]?.GetValue<string>() == "accepted").ToList(),
            cards => cards.Count > 0, TimeSpan.FromSeconds(10));
        Assert.Single(accepted);
        Assert.Equal(producer.Username, accepted[0]!["sender"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_hub_send_with_a_key_repeated_on_a_new_connection_answers_the_first_message()
    {
        var (_, aliceTokens) = await NewUser();
        var (bob, bobTokens) = await NewUser();
        var key = Guid.NewGuid().ToString("N");
        JsonObject first;
        var (hub, _) = await LiveClients.ConnectHub(host.BaseAddress, aliceTokens.Token);
        await using (hub)
        {
            first = await hub.InvokeAsync<JsonObject>("SendMessageWithKey", bob.Username, "sent from the train", key);
        }

        // The connection dropped before the client saw the answer: it reconnects and sends again with the same key.
        var (again, _) = await LiveClients.ConnectHub(host.BaseAddress, aliceTokens.Token);
        await using var __ = again;
        var repeat = await again.InvokeAsync<JsonObject>(
            "SendMessageWithKey", bob.Username, "sent from the train", key);
        var viaRest = await (await SendKeyed(aliceTokens, bob.Username, "sent from the train", key))
            .Body(HttpStatusCode.Created);

        Assert.Equal(first["message_id"]!.GetValue<string>(), repeat["message_id"]!.GetValue<string>());
        Assert.Equal(first["message_id"]!.GetValue<string>(), viaRest["message_id"]!.GetValue<string>());
        Assert.Single(await Messages(bobTokens, first["chat_id"]!.GetValue<string>()));
        var reused = await Assert.ThrowsAsync<HubException>(
            () => again.InvokeAsync<JsonObject>("SendMessageWithKey", bob.Username, "edited", key));
        Assert.Contains("KeyReused: ", reused.Message, StringComparison.Ordinal);
        var invalid = await Assert.ThrowsAsync<HubException>(
            () => again.InvokeAsync<JsonObject>("SendMessageWithKey", bob.Username, "hello", ""));
        Assert.Contains("InvalidKey: ", invalid.Message, StringComparison.Ordinal);
        Assert.Single(await Messages(bobTokens, first["chat_id"]!.GetValue<string>()));
    }
}

/// <summary>A host whose per-user message limit is low enough to reach in a test.</summary>
public sealed class TightMessageLimitHost() : MarketplaceHost(new() { ["RateLimits:MessagesPerUserPer10Seconds"] = "3" });

public sealed class MessageRateLimitTests(TightMessageLimitHost host) : IClassFixture<TightMessageLimitHost>
{
    [Fact]
    public async Task A_user_over_the_message_rate_gets_429_while_another_user_still_sends()
    {
        var http = host.CreateClient();
        var flooder = await http.LogIn(await http.SignUp());
        var other = await http.LogIn(await http.SignUp());
        var target = await http.SignUp();
        for (var i = 0; i < 3; i++)
        {
            await (await http.Send(HttpMethod.Post, "/api/chat/send", flooder.Token, new { receiver = target.Username, message = $"{i}" })).Body(HttpStatusCode.Created);
        }

        var refused = await http.Send(HttpMethod.Post, "/api/chat/send", flooder.Token, new { receiver = target.Username, message = "too many" });

        await refused.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await (await http.Send(HttpMethod.Post, "/api/chat/send", other.Token, new { receiver = target.Username, message = "fine" })).Body(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_hub_send_over_the_rate_fails_with_its_code_and_when_to_try_again()
    {
        var http = host.CreateClient();
        var flooder = await http.LogIn(await http.SignUp());
        var target = await http.SignUp();
        var (hub, _) = await LiveClients.ConnectHub(host.BaseAddress, flooder.Token);
        await using var _ = hub;
        for (var i = 0; i < 3; i++)
        {
            await hub.InvokeAsync<System.Text.Json.Nodes.JsonObject>("SendMessage", target.Username, $"{i}");
        }

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(
            () => hub.InvokeAsync<System.Text.Json.Nodes.JsonObject>("SendMessage", target.Username, "too many"));

        Assert.Contains("TooMany: ", refused.Message, StringComparison.Ordinal);
        Assert.Matches(@"Retry after [1-9][0-9]* s\.$", refused.Message);
    }

    [Fact]
    public async Task Offers_post_chat_messages_so_they_draw_on_the_same_budget()
    {
        var http = host.CreateClient();
        var producer = await http.LogIn(await http.SignUp());
        var beat = await http.ReadyBeat(producer.Token, new() { ["title"] = "Haggled" });
        var buyer = await http.LogIn(await http.SignUp());
        for (var i = 0; i < 3; i++)
        {
            await (await http.MakeOffer(buyer.Token, beat.Id(), "wav_lease", 10m + i, $"offer {i}"))
                .Body(HttpStatusCode.Created);
        }

        var refused = await http.MakeOffer(buyer.Token, beat.Id(), "wav_lease", 20m, "one more");
        var message = new { receiver = producer.Username, message = "and a message" };
        var chat = await http.Send(HttpMethod.Post, "/api/chat/send", buyer.Token, message);

        await refused.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await chat.Problem(HttpStatusCode.TooManyRequests);
    }
}
