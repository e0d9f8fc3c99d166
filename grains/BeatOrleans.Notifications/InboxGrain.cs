using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Outbox;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace BeatOrleans.Notifications;

/// <summary>
/// Activated by the first event on its user's "notifications" stream. The notifications live in page grains of
/// <see cref="PageSize"/>, so storing one writes a page and this small head, whatever the inbox holds. Growth is
/// bounded: once the newest page is more than <see cref="KeptPages"/> pages past the oldest, the oldest page is
/// deleted, read or not, so an inbox keeps its newest 501 to 550 notifications. Their event ids are the
/// deduplication window, far more than an outbox replays. The kept notifications are held in memory, so reads cost
/// no page calls.
/// </summary>
/// <remarks>
/// Group commit: a notification from the stream is queued and the stream moves on; whoever holds the write gate
/// stores everything queued with one write per page touched and one of the head, then pushes each notification live
/// and acknowledges it to its source. Durability does not rest on the stream: a source keeps a notification in its
/// outbox and publishes it again until this inbox acknowledges it, which happens only once it is stored. A receiver
/// of a busy conversation thus costs a write per batch, not per notification. Everything that writes (a batch,
/// marking read, the outbox sweep, deactivation) holds the gate, so writes never overlap.
/// </remarks>
[ImplicitStreamSubscription(NotificationRequested.Namespace)]
internal sealed partial class InboxGrain(
    [PersistentState("inbox", StorageNames.Realtime)] IPersistentState<InboxState> inbox,
    ILogger<InboxGrain> logger) : Grain, IInboxGrain, IOutboxOwner, IDisposable
{
    public const int PageSize = 50;
    public const int KeptPages = 10;

    /// <summary>The fewest notifications an inbox keeps.</summary>
    public const int MaxNotifications = PageSize * KeptPages;

    private readonly List<StoredNotification> kept = [];
    private readonly HashSet<string> delivered = new(StringComparer.Ordinal);
    private readonly WriteGate writes = new();
    private readonly List<Queued> queued = [];
    private readonly Dictionary<string, Queued> queuedById = new(StringComparer.Ordinal);
    private Task draining = Task.CompletedTask;
    private EventOutbox events = null!;

    private string UserId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => inbox.State.Events, () => inbox.WriteStateAsync());
        var state = inbox.State;
        var last = (state.Next - 1) / PageSize;
        var pages = state.Next == 0 ? [] : await Task.WhenAll(
            Enumerable.Range(0, (int)(last - state.FirstPage + 1)).Select(i => Page(state.FirstPage + i).GetAll()));
        // A page may hold an orphan at Next: written before a crash stopped the head's write. The next one replaces it.
        kept.AddRange(pages.SelectMany(page => page).Where(n => n.Sequence < state.Next));
        delivered.UnionWith(kept.Select(n => n.EventId));
        delivered.UnionWith(state.DeliveredEvents);
        if (state.Notifications.Count > 0)
        {
            await MoveIntoPages(state);
        }

        var stream = this.GetStreamProvider(StorageNames.Events)
            .GetStream<NotificationRequested>(StreamId.Create(NotificationRequested.Namespace, UserId));
        await stream.SubscribeAsync((notification, _) => Deliver(notification));
    }

    public Task<IReadOnlyList<Notification>> GetNotifications(bool unreadOnly, int limit) => Task.FromResult<IReadOnlyList<Notification>>(
        [.. kept.AsEnumerable().Reverse().Select(n => n.Notification).Where(n => !unreadOnly || !n.Read).Take(limit)]);

    public Task<NotificationPage> GetPage(bool unreadOnly, int limit, long? before)
    {
        var page = new List<StoredNotification>(limit + 1);
        for (var i = kept.Count - 1; i >= 0 && page.Count <= limit; i--)
        {
            var stored = kept[i];
            if ((before is null || stored.Sequence < before) && (!unreadOnly || !stored.Notification.Read))
            {
                page.Add(stored);
            }
        }

        var more = page.Count > limit;
        if (more)
        {
            page.RemoveAt(limit);
        }

        return Task.FromResult(
            new NotificationPage([.. page.Select(n => n.Notification)], more ? page[^1].Sequence : null));
    }

    public Task<bool> MarkRead(string notificationId) => writes.Run(async () =>
    {
        var index = kept.FindIndex(n => n.Notification.NotificationId == notificationId);
        if (index < 0)
        {
            return false;
        }

        if (!kept[index].Notification.Read)
        {
            await MarkRead([index]);
        }

        return true;
    });

    public Task<int> MarkAllRead() => writes.Run(async () =>
    {
        var unread = Enumerable.Range(0, kept.Count).Where(i => !kept[i].Notification.Read).ToList();
        await MarkRead(unread);
        return unread.Count;
    });

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await draining;
        await events.Publish();
        await writes.Run(events.Persisted, cancellationToken);
    }

    public Task FlushOutbox() => writes.Run(events.Sweep);

    public async Task Receive(NotificationRequested request)
    {
        if (Enqueue(request, acknowledge: false) is not { } entry)
        {
            return;
        }

        await CommitQueued();
        await entry.Stored.Task;
    }

    public void Dispose() => writes.Dispose();

    /// <summary>A stream delivery: queued for the next write, or acknowledged at once when it was stored before.</summary>
    private async Task Deliver(NotificationRequested request)
    {
        if (Enqueue(request, acknowledge: true) is null)
        {
            await Acknowledge(request.Source, [request.EventId]);
            return;
        }

        if (draining.IsCompleted)
        {
            draining = Drain();
        }
    }

    /// <summary>Queues a notification not stored yet; null when it was (a duplicate of one queued joins that one).</summary>
    private Queued? Enqueue(NotificationRequested request, bool acknowledge)
    {
        if (queuedById.TryGetValue(request.EventId, out var waiting))
        {
            waiting.Acknowledge |= acknowledge;
            return waiting;
        }

        if (delivered.Contains(request.EventId))
        {
            return null;
        }

        var entry = new Queued(request) { Acknowledge = acknowledge };
        queued.Add(entry);
        queuedById[request.EventId] = entry;
        return entry;
    }

    private async Task Drain()
    {
        while (queued.Count > 0)
        {
            await CommitQueued();
        }
    }

    private Task CommitQueued() => writes.Run(() => queued.Count > 0 ? Commit() : Task.CompletedTask);

    /// <summary>Stores every queued notification with one write per page and one of the head, then delivers them. Holds the gate.</summary>
    private async Task Commit()
    {
        var batch = queued.ToList();
        queued.Clear();
        var notifications = batch.Select(entry => entry.Request).Select(request => new Notification(
            Guid.NewGuid().ToString("N"), request.Type, request.Message, false, request.OccurredAt, request.SubjectType,
            request.SubjectId)).ToList();
        var recorded = new List<IntegrationEvent>(batch.Count);
        try
        {
            await Store([.. notifications.Zip(batch, (notification, entry) => (notification, entry.Request.EventId))]);
            foreach (var notification in notifications)
            {
                var created = IntegrationEvents.Create(notification.NotificationId, EventTypes.NotificationCreated,
                    UserId, notification.CreatedAt, new NotificationCreated(notification.NotificationId, UserId,
                        notification.Type, notification.Message, notification.CreatedAt, notification.SubjectType,
                        notification.SubjectId));
                recorded.Add(created);
                await events.Record(created);
            }

            await inbox.WriteStateAsync();
        }
        catch (Exception exception)
        {
            // Not stored until the head says so: start again from storage; the sources publish the events again.
            // Those queued meanwhile fail too: this activation stores nothing more (its head no longer matches
            // storage, and a later batch would append to and prune pages from the wrong place).
            batch.AddRange(queued);
            queued.Clear();
            Forget(batch);
            delivered.ExceptWith(batch.Select(entry => entry.Request.EventId));
            events.Discard(recorded);
            DeactivateOnIdle();
            foreach (var entry in batch)
            {
                entry.Stored.TrySetException(exception);
                // A stream delivery has no caller waiting for it: observe the failure here.
                _ = entry.Stored.Task.Exception;
            }

            LogStoreFailed(logger, exception, batch.Count);
            return;
        }

        // Until here a duplicate delivered meanwhile joined its entry; from here on it is recognised as stored.
        Forget(batch);
        foreach (var notification in notifications)
        {
            NotificationsMetrics.Stored(notification.Type);
        }

        await PushLive(notifications);

        foreach (var entry in batch)
        {
            entry.Stored.TrySetResult();
        }

        await Task.WhenAll(batch.Where(entry => entry.Acknowledge).GroupBy(entry => entry.Request.Source)
            .Select(source => Acknowledge(source.Key, [.. source.Select(entry => entry.Request.EventId)])));
        // The broker's confirm is no reason to hold the next batch.
        events.PublishInBackground();
    }

    private void Forget(List<Queued> batch)
    {
        foreach (var entry in batch)
        {
            queuedById.Remove(entry.Request.EventId);
        }
    }

    private IInboxPageGrain Page(long page) => GrainFactory.GetGrain<IInboxPageGrain>($"{UserId}/{page}");

    /// <summary>
    /// Writes notifications into their pages (the pages first: a crash before the head's write leaves orphans that
    /// the next notifications replace) and prunes the oldest page once more than <see cref="KeptPages"/> lie behind
    /// the newest. The caller writes the head.
    /// </summary>
    private async Task Store(IReadOnlyList<(Notification Notification, string EventId)> notifications)
    {
        var state = inbox.State;
        var stored = notifications.Select((n, i) => new StoredNotification(state.Next + i, n.EventId, n.Notification)).ToList();
        await Task.WhenAll(stored.GroupBy(n => n.Sequence / PageSize).Select(page => Page(page.Key).Append([.. page])));
        state.Next += stored.Count;
        kept.AddRange(stored);
        delivered.UnionWith(stored.Select(n => n.EventId));
        var newest = (state.Next - 1) / PageSize;
        while (newest - state.FirstPage > KeptPages)
        {
            var pruned = state.FirstPage;
            await Page(pruned).Clear();
            state.FirstPage++;
            var count = kept.TakeWhile(n => n.Sequence / PageSize == pruned).Count();
            delivered.ExceptWith(kept.Take(count).Select(n => n.EventId));
            kept.RemoveRange(0, count);
        }

        // The first version's ids stop mattering once the pages hold a full window of their own.
        if (state.DeliveredEvents.Count > 0 && kept.Count >= MaxNotifications)
        {
            state.DeliveredEvents = [];
        }
    }

    private async Task MarkRead(IReadOnlyList<int> indexes)
    {
        await Task.WhenAll(indexes.GroupBy(i => kept[i].Sequence / PageSize)
            .Select(page => Page(page.Key).MarkRead([.. page.Select(i => kept[i].Sequence)])));
        foreach (var i in indexes)
        {
            kept[i] = kept[i] with { Notification = kept[i].Notification with { Read = true } };
        }
    }

    /// <summary>The first version kept every notification in the head; they move into pages once, oldest first.</summary>
    private async Task MoveIntoPages(InboxState state)
    {
        await Store([.. state.Notifications.Select(n => (n, $"v1:{n.NotificationId}"))]);
        state.Notifications = [];
        await inbox.WriteStateAsync();
    }

    /// <summary>One call per source for a batch: a busy conversation's batch costs it one acknowledgement.</summary>
    private async Task Acknowledge(GrainId source, List<string> eventIds)
    {
        try
        {
            var grain = GrainFactory.GetGrain<IEventSource>(source);
            await (eventIds.Count == 1 ? grain.Acknowledge(eventIds[0]) : grain.AcknowledgeAll(eventIds));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The source publishes again and this inbox acknowledges the duplicate.
            LogAcknowledgeFailed(logger, exception, eventIds.Count, eventIds[0]);
        }
    }

    /// <summary>The batch's notifications to the user's live connections, in one one-way call.</summary>
    private async Task PushLive(List<Notification> notifications)
    {
        var push = GrainFactory.GetGrain<IUserPushGrain>(UserId);
        try
        {
            await (notifications.Count == 1
                ? push.Push(new Push(UserId, null, notifications[0]))
                : push.PushAll([.. notifications.Select(n => new Push(UserId, null, n))]));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Stored already: the user sees it from GET /api/notifications.
            LogPushFailed(logger, exception, notifications[0].NotificationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Count} notification(s) failed; their sources will publish them again")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live push of notification {NotificationId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string notificationId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Acknowledging {Count} event(s), the first {EventId}, failed; their source will publish them again")]
    private static partial void LogAcknowledgeFailed(ILogger logger, Exception exception, int count, string eventId);

    /// <summary>A notification waiting for the next write: whether to acknowledge it to its source, and when it is stored.</summary>
    private sealed class Queued(NotificationRequested request)
    {
        public NotificationRequested Request { get; } = request;

        public bool Acknowledge { get; set; }

        public TaskCompletionSource Stored { get; } = new();
    }
}
