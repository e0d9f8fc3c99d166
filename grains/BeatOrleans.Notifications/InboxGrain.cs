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
[ImplicitStreamSubscription(NotificationRequested.Namespace)]
public sealed partial class InboxGrain(
    [PersistentState("inbox", StorageNames.Realtime)] IPersistentState<InboxState> inbox,
    ILogger<InboxGrain> logger) : Grain, IInboxGrain, IOutboxOwner
{
    public const int PageSize = 50;
    public const int KeptPages = 10;

    /// <summary>The fewest notifications an inbox keeps.</summary>
    public const int MaxNotifications = PageSize * KeptPages;

    private readonly List<StoredNotification> kept = [];
    private readonly HashSet<string> delivered = new(StringComparer.Ordinal);
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

    public async Task<bool> MarkRead(string notificationId)
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
    }

    public async Task<int> MarkAllRead()
    {
        var unread = Enumerable.Range(0, kept.Count).Where(i => !kept[i].Notification.Read).ToList();
        await MarkRead(unread);
        return unread.Count;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => events.Persisted();

    public Task FlushOutbox() => events.Sweep();

    public async Task Receive(NotificationRequested request)
    {
        if (delivered.Contains(request.EventId))
        {
            return;
        }

        var notification = new Notification(Guid.NewGuid().ToString("N"), request.Type, request.Message, false, request.OccurredAt);
        await Store(notification, request.EventId);
        try
        {
            await events.Record(IntegrationEvents.Create(notification.NotificationId, EventTypes.NotificationCreated, UserId, notification.CreatedAt,
                new NotificationCreated(notification.NotificationId, UserId, notification.Type, notification.Message, notification.CreatedAt)));
            await inbox.WriteStateAsync();
        }
        catch
        {
            // Not stored until the head says so: start again from storage, and the source publishes the event again.
            DeactivateOnIdle();
            throw;
        }

        NotificationsMetrics.Stored(notification.Type);
        await PushLive(notification);
        await events.Publish();
    }

    private IInboxPageGrain Page(long page) => GrainFactory.GetGrain<IInboxPageGrain>($"{UserId}/{page}");

    /// <summary>
    /// Writes a notification into its page (the page first: a crash before the head's write leaves an orphan that the
    /// next notification replaces) and prunes the oldest page once more than <see cref="KeptPages"/> lie behind it.
    /// The caller writes the head.
    /// </summary>
    private async Task Store(Notification notification, string eventId)
    {
        var state = inbox.State;
        var stored = new StoredNotification(state.Next, eventId, notification);
        var page = stored.Sequence / PageSize;
        await Page(page).Append(stored);
        state.Next++;
        kept.Add(stored);
        delivered.Add(eventId);
        while (page - state.FirstPage > KeptPages)
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
        foreach (var notification in state.Notifications)
        {
            await Store(notification, $"v1:{notification.NotificationId}");
        }

        state.Notifications = [];
        await inbox.WriteStateAsync();
    }

    /// <summary>A stream delivery: stored (or recognised), then acknowledged to the source's outbox.</summary>
    private async Task Deliver(NotificationRequested request)
    {
        await Receive(request);
        try
        {
            await GrainFactory.GetGrain<IEventSource>(request.Source).Acknowledge(request.EventId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The source publishes again and this inbox acknowledges the duplicate.
            LogAcknowledgeFailed(logger, exception, request.EventId);
        }
    }

    private async Task PushLive(Notification notification)
    {
        try
        {
            await GrainFactory.GetGrain<IUserPushGrain>(UserId).Push(new Push(UserId, null, notification));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Stored already: the user sees it from GET /api/notifications.
            LogPushFailed(logger, exception, notification.NotificationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live push of notification {NotificationId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string notificationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging event {EventId} failed; its source will publish it again")]
    private static partial void LogAcknowledgeFailed(ILogger logger, Exception exception, string eventId);
}
