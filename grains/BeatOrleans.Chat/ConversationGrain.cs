using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Outbox;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace BeatOrleans.Chat;

/// <summary>
/// Keeps only the conversation's head (participants, count, last message, outbox); the messages live in page
/// grains of <see cref="PageSize"/> each, so appending to a long conversation writes one small page and this small
/// state, never the whole history.
/// </summary>
public sealed partial class ConversationGrain(
    [PersistentState("conversation", StorageNames.Realtime)] IPersistentState<ConversationState> conversation,
    TimeProvider clock,
    ILogger<ConversationGrain> logger) : Grain, IConversationGrain, IEventSource, IOutboxOwner
{
    public const int PageSize = 100;

    /// <summary>How long an unacknowledged notification waits before it is published again.</summary>
    private static readonly TimeSpan Redelivery = TimeSpan.FromSeconds(5);

    private IGrainTimer? redeliveryTimer;
    private bool acknowledgedUnsaved;
    private EventOutbox events = null!;

    private string ChatId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => conversation.State.Events, () => conversation.WriteStateAsync());
        if (conversation.State.Outbox.Count > 0)
        {
            StartRedelivery();
        }

        return Task.CompletedTask;
    }

    public async Task<ChatMessage> Send(Outgoing outgoing)
    {
        var state = conversation.State;
        if (state.Participants.Count == 0)
        {
            if (ChatIds.For(outgoing.SenderId, outgoing.ReceiverId) != ChatId)
            {
                throw new ArgumentException("These users do not share this chat.", nameof(outgoing));
            }

            state.Participants = [.. new[] { outgoing.SenderId, outgoing.ReceiverId }.Order(StringComparer.Ordinal)];
        }
        else if (!state.Participants.Contains(outgoing.SenderId) || !state.Participants.Contains(outgoing.ReceiverId))
        {
            throw new ArgumentException("These users do not share this chat.", nameof(outgoing));
        }

        var now = clock.GetUtcNow();
        var message = new ChatMessage(ChatIds.MessageId(ChatId, state.Count), state.Count, outgoing.SenderId, outgoing.Content, now, outgoing.Offer);
        // The page first: if this grain dies before its own write, the next message takes the same sequence
        // number and replaces the orphan in the page.
        await Page(message.Sequence).Append(message);
        state.Count++;
        state.LastMessage = message;
        var notification = outgoing.Offer is { } offer
            ? new NotificationRequested(message.MessageId, this.GetGrainId(), outgoing.ReceiverId, "offer",
                $"{outgoing.SenderUsername}: offer {offer.Status} for the {offer.LicenseType} licence of \"{offer.BeatTitle}\" at {offer.Amount:0.00} {offer.Currency}", now)
            : new NotificationRequested(
                message.MessageId, this.GetGrainId(), outgoing.ReceiverId, "message", $"You have a new message from {outgoing.SenderUsername}", now);
        state.Outbox.Add(notification);
        await events.Record(IntegrationEvents.Create(message.MessageId, EventTypes.ChatMessageSent, ChatId, now, new ChatMessageSent(
            ChatId, message.MessageId, message.Sequence, outgoing.SenderId, outgoing.ReceiverId, outgoing.Content.Length, now)));
        await Save();

        var summary = new ChatSummary(ChatId, state.Participants, message);
        await Task.WhenAll(state.Participants.Select(user => GrainFactory.GetGrain<IChatListGrain>(user).Touch(summary)));
        await Publish(notification);
        StartRedelivery();
        await PushLive(Push.For(outgoing.ReceiverId, message, outgoing.SenderUsername, ChatId));
        if (outgoing.Offer is not null)
        {
            // An offer changes what both sides may do next, so the sender's other connections see it too.
            await PushLive(Push.For(outgoing.SenderId, message, outgoing.SenderUsername, ChatId));
        }

        // Last: the broker's confirm is the one wait here that the receiver's live push need not sit behind.
        await events.Publish();
        return message;
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

    public Task<ChatSummary?> GetSummary() => Task.FromResult(conversation.State.LastMessage is { } last
        ? new ChatSummary(ChatId, conversation.State.Participants, last)
        : null);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // One write stores both the acknowledgements and the removal of confirmed events.
        if (acknowledgedUnsaved)
        {
            await Save();
        }
        else
        {
            await events.Persisted();
        }
    }

    public Task FlushOutbox() => events.Sweep();

    /// <summary>
    /// Forgets a delivered notification. The removal reaches storage with the next message (or at deactivation), not
    /// with a write of its own: after a crash the inbox is sent it again and recognises its event id.
    /// </summary>
    public Task Acknowledge(string eventId)
    {
        if (conversation.State.Outbox.RemoveAll(e => e.EventId == eventId) > 0)
        {
            acknowledgedUnsaved = true;
        }

        if (conversation.State.Outbox.Count == 0)
        {
            redeliveryTimer?.Dispose();
            redeliveryTimer = null;
        }

        return Task.CompletedTask;
    }

    private async Task Save()
    {
        await conversation.WriteStateAsync();
        acknowledgedUnsaved = false;
    }

    private IConversationPageGrain Page(long sequence) => GrainFactory.GetGrain<IConversationPageGrain>($"{ChatId}/{sequence / PageSize}");

    private void StartRedelivery() => redeliveryTimer ??= this.RegisterGrainTimer(
        static async (grain, _) => await grain.PublishUnacknowledged(),
        this,
        new GrainTimerCreationOptions(Redelivery, Redelivery) { KeepAlive = true });

    private async Task PublishUnacknowledged()
    {
        var due = clock.GetUtcNow() - Redelivery;
        foreach (var notification in conversation.State.Outbox.Where(e => e.OccurredAt <= due).ToList())
        {
            await Publish(notification);
        }
    }

    /// <summary>Publishes a live push; a lost one costs nothing, the receiver reads the message from REST.</summary>
    private async Task PushLive(Push push)
    {
        try
        {
            // A direct one-way call, not a stream: a push goes to one known grain, and the stream hop cost a pulling
            // period plus queueing per message without making a best-effort push any more durable.
            await GrainFactory.GetGrain<IUserPushGrain>(push.UserId).Push(push);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogPublishFailed(logger, exception, push.Message?.MessageId ?? "");
        }
    }

    /// <summary>Publishes a notification; on failure the outbox keeps it and the timer publishes it again.</summary>
    private Task Publish(NotificationRequested notification) =>
        Publish(NotificationRequested.Namespace, notification.UserId, notification, notification.EventId);

    private async Task Publish<T>(string streamNamespace, string userId, T item, string itemId)
    {
        try
        {
            await this.GetStreamProvider(StorageNames.Events).GetStream<T>(StreamId.Create(streamNamespace, userId)).OnNextAsync(item);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogPublishFailed(logger, exception, itemId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {ItemId} failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string itemId);
}
