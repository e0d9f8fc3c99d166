using BeatOrleans.Chat;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using Orleans.Core.Internal;
using Orleans.Streams;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class ChatTests(GrainCluster cluster)
{
    private static string NewUser() => Guid.NewGuid().ToString("N");

    private IConversationGrain Conversation(string a, string b) => cluster.Grains.GetGrain<IConversationGrain>(ChatIds.For(a, b));

    [Fact]
    public void The_same_two_users_get_the_same_chat_whoever_writes_first()
    {
        var (a, b) = (NewUser(), NewUser());

        Assert.Equal(ChatIds.For(a, b), ChatIds.For(b, a));
        Assert.NotEqual(ChatIds.For(a, b), ChatIds.For(a, NewUser()));
    }

    [Fact]
    public async Task A_long_conversation_pages_back_across_segments_without_gaps_or_repeats()
    {
        var (a, b) = (NewUser(), NewUser());
        var chat = Conversation(a, b);
        const int total = ConversationGrain.PageSize * 2 + 37;
        for (var i = 0; i < total; i++)
        {
            await chat.Send(new Outgoing(i % 2 == 0 ? a : b, "x", i % 2 == 0 ? b : a, $"message {i}"));
        }

        var seen = new List<string>();
        long? before = null;
        while (true)
        {
            var page = (await chat.GetMessages(a, before, null, 30))!;
            Assert.True(page.Messages.Select(m => m.Sequence).SequenceEqual(page.Messages.Select(m => m.Sequence).Order()), "a page is oldest first");
            seen.InsertRange(0, page.Messages.Select(m => m.Content));
            if (!page.HasOlder)
            {
                break;
            }

            before = page.Messages[0].Sequence;
        }

        Assert.Equal(Enumerable.Range(0, total).Select(i => $"message {i}"), seen);
        var newest = (await chat.GetMessages(b, null, null, 5))!;
        Assert.Equal(Enumerable.Range(total - 5, 5).Select(i => $"message {i}"), newest.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task A_long_conversation_pages_forward_from_any_message_to_the_newest()
    {
        var (a, b) = (NewUser(), NewUser());
        var chat = Conversation(a, b);
        const int total = ConversationGrain.PageSize + 23;
        for (var i = 0; i < total; i++)
        {
            await chat.Send(new Outgoing(a, "x", b, $"message {i}"));
        }

        var seen = new List<string>();
        long? after = 4;
        while (true)
        {
            var page = (await chat.GetMessages(b, null, after, 30))!;
            seen.AddRange(page.Messages.Select(m => m.Content));
            Assert.True(page.HasOlder);
            if (!page.HasNewer)
            {
                break;
            }

            after = page.Messages[^1].Sequence;
        }

        Assert.Equal(Enumerable.Range(5, total - 5).Select(i => $"message {i}"), seen);
        Assert.Empty((await chat.GetMessages(b, null, total - 1, 30))!.Messages);
    }

    [Fact]
    public async Task Concurrent_sends_are_each_stored_once_in_one_unbroken_sequence_and_each_notifies_once()
    {
        var (a, b) = (NewUser(), NewUser());
        var chat = Conversation(a, b);
        const int total = ConversationGrain.PageSize + 50;

        // Sent all at once, so most of them queue behind a write in flight and are stored in batches.
        var sent = await Task.WhenAll(Enumerable.Range(0, total).Select(i =>
            chat.Send(new Outgoing(i % 3 == 0 ? b : a, "x", i % 3 == 0 ? a : b, $"message {i}"))));

        Assert.Equal(Enumerable.Range(0, total).Select(i => (long)i), sent.Select(m => m.Sequence).Order());
        Assert.Equal(total, sent.Select(m => m.MessageId).Distinct().Count());
        await chat.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var history = (await chat.GetMessages(a, null, null, total))!;
        Assert.Equal(sent.OrderBy(m => m.Sequence).Select(m => (m.Sequence, m.Content, m.SenderId)),
            history.Messages.Select(m => (m.Sequence, m.Content, m.SenderId)));
        Assert.False(history.HasOlder);

        var toB = sent.Count(m => m.SenderId == a);
        var inbox = cluster.Grains.GetGrain<IInboxGrain>(b);
        var notifications = await Arrives(async () => await inbox.GetNotifications(false, 1_000) is { } list && list.Count >= toB ? list : null);
        await Task.Delay(500);
        Assert.Equal(toB, (await inbox.GetNotifications(false, 1_000)).Count);
        Assert.Equal(total - toB, (await Arrives(async () =>
            await cluster.Grains.GetGrain<IInboxGrain>(a).GetNotifications(false, 1_000) is { } list && list.Count >= total - toB ? list : null)).Count);
        Assert.Equal(notifications.Count, notifications.Select(n => n.NotificationId).Distinct().Count());
    }

    [Fact]
    public async Task A_keyed_send_is_stored_once_even_when_repeated_after_the_conversation_reactivates()
    {
        var (a, b) = (NewUser(), NewUser());
        var chat = Conversation(a, b);
        var keyed = new Outgoing(a, "x", b, "the offer stands", Key: "k-1");

        var racing = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => chat.Send(keyed)));
        await chat.Send(new Outgoing(b, "x", a, "thinking", Key: "k-1"));
        await chat.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var afterReactivation = await chat.Send(keyed with { Content = "changed my mind" });

        var first = Assert.Single(racing.Select(m => m.MessageId).Distinct());
        Assert.Equal(first, afterReactivation.MessageId);
        Assert.Equal("the offer stands", afterReactivation.Content);
        var history = (await chat.GetMessages(a, null, null, 10))!;
        Assert.Equal(["the offer stands", "thinking"], history.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task A_key_is_remembered_for_the_latest_keyed_messages_only()
    {
        var (a, b) = (NewUser(), NewUser());
        var chat = Conversation(a, b);
        var oldest = await chat.Send(new Outgoing(a, "x", b, "message 0", Key: "key-0"));
        for (var i = 1; i < ConversationGrain.RememberedKeys; i++)
        {
            await chat.Send(new Outgoing(a, "x", b, $"message {i}", Key: $"key-{i}"));
        }

        Assert.Equal(oldest.MessageId, (await chat.Send(new Outgoing(a, "x", b, "message 0", Key: "key-0"))).MessageId);
        await chat.Send(new Outgoing(a, "x", b, "one more", Key: "key-new"));
        var resent = await chat.Send(new Outgoing(a, "x", b, "message 0", Key: "key-0"));

        Assert.NotEqual(oldest.MessageId, resent.MessageId);
        var all = (await chat.GetMessages(a, null, null, 1_000))!.Messages;
        Assert.Equal(ConversationGrain.RememberedKeys + 2, all.Count);
    }

    [Fact]
    public async Task A_long_chat_list_pages_itself_most_recent_first_without_gaps_or_repeats()
    {
        var producer = NewUser();
        var list = cluster.Grains.GetGrain<IChatListGrain>(producer);
        var at = DateTimeOffset.UtcNow;
        // 250 chats, every fifth pair sharing a last-message time, as messages in one batch do.
        var chats = Enumerable.Range(0, 250).Select(i =>
        {
            var buyer = NewUser();
            var chatId = ChatIds.For(producer, buyer);
            return new ChatSummary(chatId, [producer, buyer],
                new ChatMessage(ChatIds.MessageId(chatId, 0), 0, buyer, $"hi {i}", at.AddSeconds(-(i / 5))));
        }).ToList();
        foreach (var chat in chats)
        {
            await list.Touch(chat);
        }

        var seen = new List<string>();
        (DateTimeOffset Time, string Id)? after = null;
        while (true)
        {
            var page = await list.GetChats(100, after?.Time, after?.Id);
            Assert.InRange(page.Chats.Count, 1, 100);
            seen.AddRange(page.Chats.Select(c => c.ChatId));
            if (!page.HasMore)
            {
                break;
            }

            after = (page.Chats[^1].LastMessage.SentAt, page.Chats[^1].ChatId);
        }

        var expected = chats.OrderByDescending(c => c.LastMessage.SentAt).ThenBy(c => c.ChatId, StringComparer.Ordinal)
            .Select(c => c.ChatId);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task A_new_chat_stores_its_id_not_every_chat_of_the_list_and_the_list_reads_back_whole()
    {
        var producer = NewUser();
        var list = cluster.Grains.GetGrain<IChatListGrain>(producer);
        var text = new string('x', 4000);
        using (var lastMessages = StorageFaults.CountWrites($"chats/chatlist/{producer}"))
        {
            for (var i = 0; i < 100; i++)
            {
                var buyer = NewUser();
                var chatId = ChatIds.For(producer, buyer);
                await list.Touch(new ChatSummary(chatId, [producer, buyer],
                    new ChatMessage(ChatIds.MessageId(chatId, 0), 0, buyer, text, DateTimeOffset.UtcNow)));
            }

            // One write of the last messages (the activation's mark that memory is ahead), not one per new chat.
            Assert.Equal(1, lastMessages.Writes);
        }

        await list.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var page = await list.GetChats(100, null, null);
        Assert.Equal(100, page.Chats.Count);
        Assert.All(page.Chats, c => Assert.Equal(text, c.LastMessage.Content));
    }

    [Fact]
    public async Task A_chat_list_whose_last_write_was_lost_reads_the_last_messages_back_from_its_conversations()
    {
        var (a, b) = (NewUser(), NewUser());
        var c = NewUser();
        await Conversation(a, b).Send(new Outgoing(a, "x", b, "first with a"));
        await Conversation(c, b).Send(new Outgoing(c, "x", b, "first with c"));
        await Conversation(a, b).Send(new Outgoing(b, "x", a, "newest with a"));
        var list = cluster.Grains.GetGrain<IChatListGrain>(b);

        // The activation ends without storing its last messages, as in a crash.
        using (StorageFaults.FailWrites($"chats/chatlist/{b}"))
        {
            await list.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            await Task.Delay(200);
        }

        var chats = (await list.GetChats(10, null, null)).Chats;
        Assert.Equal(["newest with a", "first with c"], chats.Select(chat => chat.LastMessage.Content));
    }

    [Fact]
    public async Task A_chat_list_shows_the_last_message_after_a_new_activation()
    {
        var (a, b) = (NewUser(), NewUser());
        for (var i = 0; i < 3; i++)
        {
            await Conversation(a, b).Send(new Outgoing(i % 2 == 0 ? a : b, "x", i % 2 == 0 ? b : a, $"message {i}"));
        }

        var list = cluster.Grains.GetGrain<IChatListGrain>(b);
        await list.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Conversation(a, b).AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var chat = Assert.Single(await list.GetChats());
        Assert.Equal("message 2", chat.LastMessage.Content);
        Assert.Equal(3, (await Conversation(a, b).GetMessages(a, null, null, 10))!.Messages.Count);
    }

    [Fact]
    public async Task Each_participants_list_counts_the_messages_they_have_not_read_until_they_mark_them_read()
    {
        var (a, b) = (NewUser(), NewUser());
        var chat = Conversation(a, b);
        for (var i = 0; i < 3; i++)
        {
            await chat.Send(new Outgoing(a, "alice", b, $"offer {i}"));
        }

        async Task<long> Unread(string user) => Assert.Single((await cluster.Grains.GetGrain<IChatListGrain>(user)
            .GetChats(10, null, null)).Chats).UnreadBy(user);

        Assert.Equal(3, await Unread(b));
        // Their own messages are never unread to the sender.
        Assert.Equal(0, await Unread(a));

        Assert.Equal(new ChatRead(1, 1), await chat.MarkRead(b, 1));
        Assert.Equal(1, await Unread(b));
        // A mark never moves back; a mark past the newest message stops at it.
        Assert.Equal(new ChatRead(1, 1), await chat.MarkRead(b, 0));
        Assert.Equal(new ChatRead(2, 0), await chat.MarkRead(b, 99));
        Assert.Equal(0, await Unread(b));
        Assert.Null(await chat.MarkRead(NewUser(), null));

        // A reply reads the conversation for its sender and is unread to the other, after both lists reactivate.
        await chat.Send(new Outgoing(a, "alice", b, "still there?"));
        await chat.Send(new Outgoing(b, "bob", a, "yes"));
        foreach (var user in new[] { a, b })
        {
            await cluster.Grains.GetGrain<IChatListGrain>(user).AsReference<IGrainManagementExtension>()
                .DeactivateOnIdle();
        }

        await chat.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(0, await Unread(b));
        Assert.Equal(1, await Unread(a));
        Assert.Equal(new ChatRead(4, 0), await chat.MarkRead(a, null));
        Assert.Equal(0, await Unread(a));

        // An offer card is posted from a beat's page: it reads nothing for its sender, and is unread to the other.
        await chat.Send(new Outgoing(a, "alice", b, "one more thing"));
        var card = new OfferCard(NewUser(), NewUser(), "Night Drive", "exclusive", 400m, "USD", "open",
            DateTimeOffset.UtcNow.AddDays(2), null);
        await chat.Send(new Outgoing(b, "bob", a, "Offer", card));
        Assert.Equal(1, await Unread(b));
        Assert.Equal(1, await Unread(a));
        // Read up to the text: the card after it is the reader's own. To the other side it stays unread until read.
        Assert.Equal(new ChatRead(5, 0), await chat.MarkRead(b, 5));
        Assert.Equal(new ChatRead(5, 1), await chat.MarkRead(a, 5));
        Assert.Equal(new ChatRead(6, 0), await chat.MarkRead(a, 6));
    }

    [Fact]
    public async Task A_chat_opened_by_an_offer_card_is_unread_until_read_across_activations()
    {
        var (buyer, producer) = (NewUser(), NewUser());
        var chat = Conversation(buyer, producer);
        var card = new OfferCard(NewUser(), NewUser(), "Night Drive", "exclusive", 400m, "USD", "open",
            DateTimeOffset.UtcNow.AddDays(2), null);
        await chat.Send(new Outgoing(buyer, "buyer", producer, "Offer", card));
        await chat.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        Assert.Equal(1, (await chat.GetSummary())!.UnreadBy(producer));
        Assert.Equal(new ChatRead(0, 0), await chat.MarkRead(producer, null));
        Assert.Equal(0, (await chat.GetSummary())!.UnreadBy(producer));
    }

    [Fact]
    public async Task A_chat_list_whose_last_write_was_lost_reads_its_unread_counts_back()
    {
        var (a, b) = (NewUser(), NewUser());
        for (var i = 0; i < 2; i++)
        {
            await Conversation(a, b).Send(new Outgoing(a, "alice", b, $"message {i}"));
        }

        var list = cluster.Grains.GetGrain<IChatListGrain>(b);
        Assert.Equal(2, Assert.Single((await list.GetChats(10, null, null)).Chats).UnreadBy(b));
        await Conversation(a, b).MarkRead(b, null);
        Assert.Equal(0, Assert.Single((await list.GetChats(10, null, null)).Chats).UnreadBy(b));

        // The activation ends without storing what it held, as in a crash: the count comes back from the conversation.
        using (StorageFaults.FailWrites($"chats/chatlist/{b}"))
        {
            await list.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            await Task.Delay(200);
        }

        Assert.Equal(0, Assert.Single((await list.GetChats(10, null, null)).Chats).UnreadBy(b));
    }

    [Fact]
    public async Task Only_participants_read_a_conversation()
    {
        var (a, b) = (NewUser(), NewUser());
        await Conversation(a, b).Send(new Outgoing(a, "a", b, "private"));

        Assert.Null(await Conversation(a, b).GetMessages(NewUser(), null, null, 10));
        Assert.Single((await Conversation(a, b).GetMessages(b, null, null, 10))!.Messages);
    }

    [Fact]
    public async Task A_sent_message_lands_in_both_chat_lists_and_one_notification_for_the_receiver()
    {
        var (a, b) = (NewUser(), NewUser());

        await Conversation(a, b).Send(new Outgoing(a, "alice", b, "hi"));

        Assert.Single(await cluster.Grains.GetGrain<IChatListGrain>(a).GetChats());
        var notification = await Arrives(async () => (await cluster.Grains.GetGrain<IInboxGrain>(b).GetNotifications(false, 10)).SingleOrDefault());
        Assert.Equal("message", notification.Type);
        Assert.Equal("You have a new message from alice", notification.Message);
        Assert.Empty(await cluster.Grains.GetGrain<IInboxGrain>(a).GetNotifications(false, 10));
    }

    [Fact]
    public async Task An_event_delivered_three_times_makes_one_notification()
    {
        var user = NewUser();
        var source = cluster.Grains.GetGrain<IConversationGrain>(Guid.NewGuid().ToString("N")[..32]).GetGrainId();
        var request = new NotificationRequested($"evt-{Guid.NewGuid():N}", source, user, "sale", "You sold a beat", DateTimeOffset.UtcNow);
        var stream = cluster.Client.GetStreamProvider(StorageNames.Events)
            .GetStream<NotificationRequested>(StreamId.Create(NotificationRequested.Namespace, user));

        for (var i = 0; i < 3; i++)
        {
            await stream.OnNextAsync(request);
        }

        await stream.OnNextAsync(request with { EventId = $"evt-{Guid.NewGuid():N}", Message = "marker" });
        var inbox = cluster.Grains.GetGrain<IInboxGrain>(user);
        await Arrives(async () => (await inbox.GetNotifications(false, 10)).FirstOrDefault(n => n.Message == "marker"));
        Assert.Single(await inbox.GetNotifications(false, 10), n => n.Message == "You sold a beat");
    }

    [Fact]
    public async Task Marking_read_changes_the_unread_filter()
    {
        var (a, b) = (NewUser(), NewUser());
        await Conversation(a, b).Send(new Outgoing(a, "alice", b, "one"));
        await Conversation(a, b).Send(new Outgoing(a, "alice", b, "two"));
        var inbox = cluster.Grains.GetGrain<IInboxGrain>(b);
        var all = await Arrives(async () => await inbox.GetNotifications(false, 10) is { Count: 2 } list ? list : null);

        Assert.True(await inbox.MarkRead(all[0].NotificationId));
        Assert.False(await inbox.MarkRead("not-an-id"));
        Assert.Single(await inbox.GetNotifications(true, 10));
        Assert.Equal(1, await inbox.MarkAllRead());
        Assert.Empty(await inbox.GetNotifications(true, 10));
    }

    private static async Task<T> Arrives<T>(Func<Task<T?>> probe) where T : class =>
        (await Eventually.Holds(probe, value => value is not null, TimeSpan.FromSeconds(10),
            _ => "the expected state did not arrive within 10 s", TimeSpan.FromMilliseconds(50)))!;
}
