using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Outbox;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Chat;

/// <summary>
/// Keeps only the conversation's head (participants, count, last message, outbox); the messages live in page
/// grains of <see cref="PageSize"/> each, so appending to a long conversation writes one small page and this small
/// state, never the whole history.
/// </summary>
/// <remarks>
/// Group commit: <see cref="Send"/> interleaves, queues its message and waits for the write gate; whoever holds the
/// gate stores everything queued so far with one page write per page touched and one head write, then answers each
/// sender of that batch. A busy conversation thus costs a write per batch, not per message (measured: the chat
/// benchmark collapsed at 200 messages a second per conversation when every append was a write of its own).
/// Everything that writes the head (a batch, the outbox sweep, deactivation) holds the gate, so writes never overlap.
/// </remarks>
internal sealed partial class ConversationGrain(
    [PersistentState("conversation", StorageNames.Realtime)] IPersistentState<ConversationState> conversation,
    TimeProvider clock,
    ILogger<ConversationGrain> logger) : Grain, IConversationGrain, IEventSource, IOutboxOwner, IDisposable
{
    public const int PageSize = 100;

    /// <summary>
    /// How many of the latest keyed messages a repeated key is recognised against. A client retries within seconds;
    /// a conversation would need this many keyed messages in between to lose one.
    /// </summary>
    public const int RememberedKeys = 128;

    /// <summary>How long an unacknowledged notification waits before it is published again.</summary>
    private static readonly TimeSpan Redelivery = TimeSpan.FromSeconds(5);

    private readonly WriteGate writes = new();
    private readonly List<Queued> queued = [];

    /// <summary>Keyed messages queued or being stored, by hashed key: a repeat waits for the first.</summary>
    private readonly Dictionary<string, Queued> pending = new(StringComparer.Ordinal);
    private EventOutbox events = null!;
    private NotificationOutbox notifications = null!;

    private string ChatId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => conversation.State.Events, () => conversation.WriteStateAsync());
        notifications = new NotificationOutbox(this, () => conversation.State.Notifications, Redelivery);
        var state = conversation.State;
        if (state.Count > 0 && state.ReadUpTo.Count == 0 && state.Unread.Count == 0)
        {
            // Stored before read marks were kept (every message counts for its receiver since): what came before
            // counts as read by both, stored with the next write.
            state.ReadUpTo = state.Participants.ToDictionary(p => p, _ => state.Count - 1, StringComparer.Ordinal);
        }

        return Task.CompletedTask;
    }

    public async Task<ChatMessage> Send(Outgoing outgoing)
    {
        var participants = conversation.State.Participants;
        if (participants.Count == 0
            ? ChatIds.For(outgoing.SenderId, outgoing.ReceiverId) != ChatId
            : !participants.Contains(outgoing.SenderId) || !participants.Contains(outgoing.ReceiverId))
        {
            throw new ArgumentException("These users do not share this chat.", nameof(outgoing));
        }

        var key = outgoing.Key is { } given ? KeyOf(outgoing.SenderId, given) : null;
        if (key is not null)
        {
            if (pending.TryGetValue(key, out var first))
            {
                return await first.Stored.Task;
            }

            if (conversation.State.Keys.FindLast(k => k.Key == key) is { } sent)
            {
                return await Stored(sent.Sequence);
            }
        }

        var entry = new Queued(outgoing, key);
        queued.Add(entry);
        if (key is not null)
        {
            pending[key] = entry;
        }

        await writes.Run(async () =>
        {
            // An earlier holder of the gate may have stored this message with its batch already.
            if (!entry.Stored.Task.IsCompleted)
            {
                await Commit();
            }
        });

        return await entry.Stored.Task;
    }

    /// <summary>Stores every queued message with one write per page and one of the head, then notifies. Holds the gate.</summary>
    private async Task Commit()
    {
        var batch = queued.ToList();
        queued.Clear();
        var state = conversation.State;
        var (count, last, participants, keys) = (state.Count, state.LastMessage, state.Participants, state.Keys);
        var (read, unread) = (state.ReadUpTo, state.Unread);
        var recorded = new List<IntegrationEvent>(batch.Count);
        var now = clock.GetUtcNow();
        var messages = batch.Select((entry, i) => new ChatMessage(
            ChatIds.MessageId(ChatId, count + i), count + i, entry.Outgoing.SenderId, entry.Outgoing.Content, now, entry.Outgoing.Offer)).ToList();
        try
        {
            if (state.Participants.Count == 0)
            {
                state.Participants = [.. new[] { batch[0].Outgoing.SenderId, batch[0].Outgoing.ReceiverId }.Order(StringComparer.Ordinal)];
            }

            // The pages first: if this grain dies before its own write, the next messages take the same sequence
            // numbers and replace the orphans in their pages.
            await Task.WhenAll(messages.GroupBy(m => m.Sequence / PageSize).Select(page => Page(page.Key * PageSize).Append([.. page])));
            state.Count += messages.Count;
            state.LastMessage = messages[^1];
            // New dictionaries, so that a failed write can put the old ones back. A message is unread to its
            // receiver; a sender who writes (not an offer card, posted from a beat's page) has read up to it.
            state.ReadUpTo = new Dictionary<string, long>(read, StringComparer.Ordinal);
            state.Unread = new Dictionary<string, long>(unread, StringComparer.Ordinal);
            foreach (var (entry, message) in batch.Zip(messages))
            {
                var receiver = entry.Outgoing.ReceiverId;
                state.Unread[receiver] = state.Unread.GetValueOrDefault(receiver) + 1;
                if (entry.Outgoing.Offer is null)
                {
                    state.ReadUpTo[message.SenderId] = message.Sequence;
                    state.Unread[message.SenderId] = 0;
                }
            }

            if (batch.Any(entry => entry.Key is not null))
            {
                // A new list, so that a failed write can put the old one back.
                List<SentKey> added = [.. batch.Zip(messages).Where(p => p.First.Key is not null)
                    .Select(p => new SentKey(p.First.Key!, p.Second.Sequence))];
                state.Keys = [.. keys.Skip(Math.Max(0, keys.Count + added.Count - RememberedKeys)), .. added];
            }

            foreach (var (entry, message) in batch.Zip(messages))
            {
                notifications.Record(Notification(entry.Outgoing, message, now));
                var sent = IntegrationEvents.Create(message.MessageId, EventTypes.ChatMessageSent, ChatId, now,
                    new ChatMessageSent(ChatId, message.MessageId, message.Sequence, entry.Outgoing.SenderId,
                        entry.Outgoing.ReceiverId, entry.Outgoing.Content.Length, now));
                recorded.Add(sent);
                await events.Record(sent);
            }

            await Save();
        }
        catch (Exception exception)
        {
            // Nothing of the batch is stored as far as this activation can tell: forget it, fail its senders, and let
            // the next activation start from what storage holds.
            (state.Count, state.LastMessage, state.Participants, state.Keys) = (count, last, participants, keys);
            (state.ReadUpTo, state.Unread) = (read, unread);
            notifications.Discard();
            // By identity: a publication that ended meanwhile took confirmed events from the front of the list.
            events.Discard(recorded);
            DeactivateOnIdle();
            foreach (var entry in batch)
            {
                Forget(entry);
                entry.Stored.TrySetException(exception);
            }

            return;
        }

        // Stored: the integration events go to the broker; no sender waits for its confirm. Here, under the gate, no
        // other batch's events (recorded, not stored yet) can be taken for stored ones.
        events.PublishInBackground();
        await Touch(state.Participants);

        await notifications.Publish();
        var pushes = new List<Push>();
        foreach (var (entry, message) in batch.Zip(messages))
        {
            pushes.Add(Push.For(entry.Outgoing.ReceiverId, message, entry.Outgoing.SenderUsername, ChatId));
            if (entry.Outgoing.Offer is not null)
            {
                // An offer changes what both sides may do next, so the sender's other connections see it too.
                pushes.Add(Push.For(entry.Outgoing.SenderId, message, entry.Outgoing.SenderUsername, ChatId));
            }
        }

        await PushLive(pushes);
        foreach (var (entry, message) in batch.Zip(messages))
        {
            Forget(entry);
            entry.Stored.TrySetResult(message);
        }
    }

    /// <summary>
    /// A stored keyed message is found by its key in the state from now on; a failed one may be sent again.
    /// </summary>
    private void Forget(Queued entry)
    {
        if (entry.Key is not null)
        {
            pending.Remove(entry.Key);
        }
    }

    /// <summary>The message stored under a key, read back from its page.</summary>
    private async Task<ChatMessage> Stored(long sequence)
    {
        var messages = await Page(sequence).GetMessages();
        return messages.FirstOrDefault(m => m.Sequence == sequence)
            ?? throw new InvalidOperationException($"Message {sequence} of {ChatId} is missing from its page.");
    }

    /// <summary>
    /// A key is the sender's own: the same key from the other participant names another message. 128 bits of its
    /// hash, in 22 characters: the head carries up to <see cref="RememberedKeys"/> of them on every write.
    /// </summary>
    private static string KeyOf(string senderId, string key) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($"{senderId}\n{key}")).AsSpan(0, 16));

    private NotificationRequested Notification(Outgoing outgoing, ChatMessage message, DateTimeOffset now) =>
        outgoing.Offer is { } offer
            ? new NotificationRequested(message.MessageId, this.GetGrainId(), outgoing.ReceiverId, "offer",
                OfferNotice(outgoing.SenderUsername, offer), now, NotificationSubjects.Chat, ChatId)
            : new NotificationRequested(message.MessageId, this.GetGrainId(), outgoing.ReceiverId, "message",
                $"You have a new message from {outgoing.SenderUsername}", now, NotificationSubjects.Chat, ChatId);

    /// <summary>What the other side reads about an offer card: who did what, for which licence, at which price.</summary>
    private static string OfferNotice(string sender, OfferCard offer)
    {
        var price = Money.Format(offer.Amount, offer.Currency);
        var licence = $"the {LicenseTypes.DisplayName(offer.LicenseType)} licence of \"{offer.BeatTitle}\"";
        return offer.Status switch
        {
            "open" when offer.CounterOf is not null => $"{sender} made a counter-offer of {price} for {licence}",
            "open" => $"{sender} offered {price} for {licence}",
            "accepted" => $"{sender} accepted the offer of {price} for {licence}",
            "declined" => $"{sender} declined the offer of {price} for {licence}",
            "withdrawn" => $"{sender} withdrew the offer of {price} for {licence}",
            _ => $"{sender}: offer {offer.Status} for {licence} at {price}",
        };
    }

    public async Task<MessagePage?> GetMessages(string callerId, long? beforeSequence, long? afterSequence, int limit)
    {
        var state = conversation.State;
        if (!state.Participants.Contains(callerId))
        {
            return null;
        }

        long start, end;
        if (afterSequence is { } after)
        {
            start = after >= state.Count ? state.Count : after + 1;
            end = Math.Min(state.Count, start + limit);
        }
        else
        {
            end = Math.Clamp(beforeSequence ?? state.Count, 0, state.Count);
            start = Math.Max(0, end - limit);
        }

        var messages = new List<ChatMessage>();
        if (start < end)
        {
            var (first, last) = (start / PageSize, (end - 1) / PageSize);
            var pages = await Task.WhenAll(Enumerable.Range(0, (int)(last - first + 1))
                .Select(i => Page((first + i) * PageSize).GetMessages()));
            messages.AddRange(pages.SelectMany(page => page).Where(m => m.Sequence >= start && m.Sequence < end));
        }

        return new MessagePage(state.Participants, messages, start > 0, end < state.Count);
    }

    public Task<ChatSummary?> GetSummary() => Task.FromResult(Summary());

    private ChatSummary? Summary() => conversation.State.LastMessage is { } last
        ? new ChatSummary(ChatId, conversation.State.Participants, last,
            new Dictionary<string, long>(conversation.State.ReadUpTo, StringComparer.Ordinal),
            new Dictionary<string, long>(conversation.State.Unread, StringComparer.Ordinal))
        : null;

    /// <summary>
    /// The summary as it is now, to the chat lists of <paramref name="users"/>. Called under the gate, so the lists
    /// hear of changes in the order they were stored.
    /// </summary>
    private async Task Touch(IEnumerable<string> users)
    {
        if (Summary() is not { } summary)
        {
            return;
        }

        try
        {
            await Task.WhenAll(users.Select(user => GrainFactory.GetGrain<IChatListGrain>(user).Touch(summary)));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The change is stored; a chat list that missed the touch reads the summary back when it reactivates.
            LogTouchFailed(logger, exception, ChatId);
        }
    }

    public async Task<ChatRead?> MarkRead(string callerId, long? upToSequence)
    {
        var state = conversation.State;
        if (!state.Participants.Contains(callerId))
        {
            return null;
        }

        ChatRead? answer = null;
        await writes.Run(async () =>
        {
            var newest = state.Count - 1;
            var target = Math.Min(upToSequence ?? newest, newest);
            if (target > state.ReadUpTo.GetValueOrDefault(callerId, -1))
            {
                // What is left unread: nothing up to the newest, else the other participant's messages after the
                // mark, counted from their pages.
                var left = target == newest ? 0 : await OthersMessages(callerId, target + 1, state.Count);
                var (read, unread) = (state.ReadUpTo, state.Unread);
                state.ReadUpTo = new Dictionary<string, long>(read, StringComparer.Ordinal) { [callerId] = target };
                state.Unread = new Dictionary<string, long>(unread, StringComparer.Ordinal) { [callerId] = left };
                try
                {
                    await Save();
                }
                catch
                {
                    (state.ReadUpTo, state.Unread) = (read, unread);
                    throw;
                }
            }

            // Even when the mark stays: a list that missed the last touch (a lost call, a lost write) shows the count
            // the client is answered from now on.
            await Touch([callerId]);
            answer = new ChatRead(state.ReadUpTo.GetValueOrDefault(callerId, -1), state.Unread.GetValueOrDefault(callerId));
        });

        return answer;
    }

    /// <summary>How many messages numbered <paramref name="start"/> to <paramref name="end"/> (excluded) another sent.</summary>
    private async Task<long> OthersMessages(string userId, long start, long end)
    {
        var pages = await Task.WhenAll(Enumerable.Range(0, (int)(((end - 1) / PageSize) - (start / PageSize) + 1))
            .Select(i => Page(((start / PageSize) + i) * PageSize).GetMessages()));
        return pages.SelectMany(page => page)
            .Count(m => m.Sequence >= start && m.Sequence < end && m.SenderId != userId);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // One write stores both the acknowledgements and the removal of confirmed events.
        await writes.Run(async () =>
        {
            if (notifications.Unsaved)
            {
                await Save();
                events.Deactivated();
            }
            else
            {
                await events.Persisted();
            }
        }, cancellationToken);
    }

    public Task FlushOutbox() => writes.Run(events.Sweep);

    public void Dispose() => writes.Dispose();

    /// <summary>Forgets a delivered notification; the removal reaches storage with the next message or at deactivation.</summary>
    public Task Acknowledge(string eventId)
    {
        notifications.Acknowledge([eventId]);
        return Task.CompletedTask;
    }

    public Task AcknowledgeAll(IReadOnlyList<string> eventIds)
    {
        notifications.Acknowledge(eventIds);
        return Task.CompletedTask;
    }

    private async Task Save()
    {
        await conversation.WriteStateAsync();
        notifications.Saved();
    }

    private IConversationPageGrain Page(long sequence) => GrainFactory.GetGrain<IConversationPageGrain>($"{ChatId}/{sequence / PageSize}");

    /// <summary>
    /// Hands the batch's live pushes to each user's push grain in one one-way call, in order; a lost push costs
    /// nothing, the receiver reads the message from REST.
    /// </summary>
    private async Task PushLive(List<Push> pushes)
    {
        // Direct one-way calls, not a stream: a push goes to one known grain, and the stream hop cost a pulling
        // period plus queueing per message without making a best-effort push any more durable.
        foreach (var user in pushes.GroupBy(p => p.UserId, StringComparer.Ordinal))
        {
            var grain = GrainFactory.GetGrain<IUserPushGrain>(user.Key);
            List<Push> own = [.. user];
            try
            {
                await (own.Count == 1 ? grain.Push(own[0]) : grain.PushAll(own));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogPublishFailed(logger, exception, own[0].Message?.MessageId ?? "");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Touching the chat lists of {ChatId} failed")]
    private static partial void LogTouchFailed(ILogger logger, Exception exception, string chatId);

    /// <summary>A message waiting for the next write, and its sender's answer.</summary>
    private sealed class Queued(Outgoing outgoing, string? key)
    {
        public Outgoing Outgoing { get; } = outgoing;

        /// <summary>The hashed idempotency key, if the sender gave one.</summary>
        public string? Key { get; } = key;

        public TaskCompletionSource<ChatMessage> Stored { get; } = new();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {ItemId} failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string itemId);
}
