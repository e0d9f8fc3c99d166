using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Outbox;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace BeatOrleans.Notifications;

/// <summary>
/// Activated by the first event on its user's "notifications" stream. Growth is bounded: past
/// <see cref="MaxNotifications"/>, the oldest read notifications go first, then the oldest unread ones; the last
/// <see cref="MaxRememberedEvents"/> event ids are kept for deduplication (far more than the outbox can replay).
/// </summary>
[ImplicitStreamSubscription(NotificationRequested.Namespace)]
public sealed partial class InboxGrain(
    [PersistentState("inbox", StorageNames.Realtime)] IPersistentState<InboxState> inbox,
    ILogger<InboxGrain> logger) : Grain, IInboxGrain, IOutboxOwner
{
    public const int MaxNotifications = 500;
    public const int MaxRememberedEvents = 2000;

    private EventOutbox events = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => inbox.State.Events, () => inbox.WriteStateAsync());
        var stream = this.GetStreamProvider(StorageNames.Events)
            .GetStream<NotificationRequested>(StreamId.Create(NotificationRequested.Namespace, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((notification, _) => Deliver(notification));
    }

    public Task<IReadOnlyList<Notification>> GetNotifications(bool unreadOnly, int limit) => Task.FromResult<IReadOnlyList<Notification>>(
        [.. inbox.State.Notifications.AsEnumerable().Reverse().Where(n => !unreadOnly || !n.Read).Take(limit)]);

    public async Task<bool> MarkRead(string notificationId)
    {
        var index = inbox.State.Notifications.FindIndex(n => n.NotificationId == notificationId);
        if (index < 0)
        {
            return false;
        }

        if (!inbox.State.Notifications[index].Read)
        {
            inbox.State.Notifications[index] = inbox.State.Notifications[index] with { Read = true };
            await inbox.WriteStateAsync();
        }

        return true;
    }

    public async Task<int> MarkAllRead()
    {
        var notifications = inbox.State.Notifications;
        var changed = notifications.Count(n => !n.Read);
        if (changed > 0)
        {
            inbox.State.Notifications = [.. notifications.Select(n => n with { Read = true })];
            await inbox.WriteStateAsync();
        }

        return changed;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => events.Persisted();

    public Task FlushOutbox() => events.Sweep();

    public async Task Receive(NotificationRequested request)
    {
        if (inbox.State.DeliveredEvents.Contains(request.EventId))
        {
            return;
        }

        var state = inbox.State;
        var user = this.GetPrimaryKeyString();
        var notification = new Notification(Guid.NewGuid().ToString("N"), request.Type, request.Message, false, request.OccurredAt);
        state.Notifications.Add(notification);
        state.DeliveredEvents.Add(request.EventId);
        Trim(state);
        await events.Record(IntegrationEvents.Create(notification.NotificationId, EventTypes.NotificationCreated, user, notification.CreatedAt,
            new NotificationCreated(notification.NotificationId, user, notification.Type, notification.Message, notification.CreatedAt)));
        await inbox.WriteStateAsync();
        await PushLive(notification);
        await events.Publish();
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
            var user = this.GetPrimaryKeyString();
            await GrainFactory.GetGrain<IUserPushGrain>(user).Push(new Push(user, null, notification));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Stored already: the user sees it from GET /api/notifications.
            LogPushFailed(logger, exception, notification.NotificationId);
        }
    }

    private static void Trim(InboxState state)
    {
        while (state.Notifications.Count > MaxNotifications)
        {
            var oldestRead = state.Notifications.FindIndex(n => n.Read);
            state.Notifications.RemoveAt(oldestRead >= 0 ? oldestRead : 0);
        }

        if (state.DeliveredEvents.Count > MaxRememberedEvents)
        {
            state.DeliveredEvents.RemoveRange(0, state.DeliveredEvents.Count - MaxRememberedEvents);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live push of notification {NotificationId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string notificationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging event {EventId} failed; its source will publish it again")]
    private static partial void LogAcknowledgeFailed(ILogger logger, Exception exception, string eventId);
}
