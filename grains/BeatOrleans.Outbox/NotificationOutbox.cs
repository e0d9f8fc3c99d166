using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace BeatOrleans.Outbox;

/// <summary>
/// The notification outbox of one grain activation: the notifications a change asks for in users' inboxes, kept in a
/// list inside the grain's state until each inbox acknowledges it (<see cref="IEventSource.Acknowledge"/>). It is to
/// notifications what <see cref="EventOutbox"/> is to integration events: <see cref="Record"/> before the state write,
/// <see cref="Publish"/> after it; a notification the inbox has not acknowledged is published again every
/// redelivery period while the grain is active, and by the next activation after a crash (the inbox drops a repeat by
/// its event id).
/// </summary>
/// <remarks>
/// A stream failure is logged, never thrown: by the time a notification is published the change that asked for it
/// is stored, so its caller gets that outcome and the redelivery timer publishes again. An acknowledgement leaves the
/// list in memory at once and reaches storage with the grain's next write (<see cref="Unsaved"/>, <see cref="Saved"/>),
/// not with a write of its own: after a crash in between the inbox is sent it again and recognises it.
/// </remarks>
public sealed partial class NotificationOutbox
{
    private readonly Grain grain;
    private readonly Func<List<NotificationRequested>> pending;
    private readonly TimeSpan redelivery;
    private readonly TimeProvider clock;
    private readonly ILogger<NotificationOutbox> logger;

    /// <summary>Recorded by this activation and not yet published once.</summary>
    private readonly List<NotificationRequested> fresh = [];
    private IGrainTimer? redeliveryTimer;

    /// <param name="grain">The owner; it implements <see cref="IEventSource"/> by calling <see cref="Acknowledge"/>.</param>
    /// <param name="pending">The list inside the grain's state (read on every use: the grain may replace its state object).</param>
    /// <param name="redelivery">How long a notification waits for its acknowledgement before it is published again.</param>
    public NotificationOutbox(Grain grain, Func<List<NotificationRequested>> pending, TimeSpan redelivery)
    {
        this.grain = grain;
        this.pending = pending;
        this.redelivery = redelivery;
        var services = grain.GrainContext.ActivationServices;
        clock = services.GetRequiredService<TimeProvider>();
        logger = services.GetRequiredService<ILogger<NotificationOutbox>>();
        if (pending().Count > 0)
        {
            StartRedelivery();
        }
    }

    /// <summary>Acknowledgements that storage does not know of yet: the owner writes them with its next write or at deactivation.</summary>
    public bool Unsaved { get; private set; }

    /// <summary>Notifications not yet acknowledged.</summary>
    public int Count => pending().Count;

    /// <summary>Adds a notification; call it before the state write that makes the change asking for it durable.</summary>
    public void Record(NotificationRequested notification)
    {
        pending().Add(notification);
        fresh.Add(notification);
    }

    /// <summary>Forgets what was recorded since the last <see cref="Publish"/>, for an owner whose state write failed.</summary>
    public void Discard()
    {
        var ids = fresh.Select(n => n.EventId).ToHashSet(StringComparer.Ordinal);
        pending().RemoveAll(n => ids.Contains(n.EventId));
        fresh.Clear();
    }

    /// <summary>The owner's state was written: it holds every acknowledgement so far.</summary>
    public void Saved() => Unsaved = false;

    /// <summary>Publishes what was recorded since the last call; call it after the state write. Never throws for a stream failure.</summary>
    public async Task Publish()
    {
        if (fresh.Count > 0)
        {
            var batch = fresh.ToList();
            fresh.Clear();
            await PublishAll(batch);
        }

        if (pending().Count > 0)
        {
            StartRedelivery();
        }
    }

    /// <summary>The inbox has the notification: it leaves the outbox (in storage with the owner's next write).</summary>
    public void Acknowledge(IReadOnlyCollection<string> eventIds)
    {
        if (pending().RemoveAll(n => eventIds.Contains(n.EventId)) > 0)
        {
            Unsaved = true;
        }

        if (pending().Count == 0)
        {
            StopRedelivery();
        }
    }

    /// <summary>Publishes again every notification that waited a redelivery period for its acknowledgement.</summary>
    public async Task Redeliver()
    {
        var due = clock.GetUtcNow() - redelivery;
        await PublishAll([.. pending().Where(n => n.OccurredAt <= due)]);

        if (pending().Count == 0)
        {
            StopRedelivery();
        }
    }

    /// <summary>
    /// One stream call per inbox, each carrying that inbox's notifications in order, all inboxes at once: a batch of
    /// a busy conversation costs one queue round trip, not one per notification.
    /// </summary>
    private Task PublishAll(IReadOnlyList<NotificationRequested> notifications) =>
        Task.WhenAll(notifications.GroupBy(n => n.UserId, StringComparer.Ordinal).Select(async inbox =>
        {
            var stream = grain.GetStreamProvider(StorageNames.Events)
                .GetStream<NotificationRequested>(StreamId.Create(NotificationRequested.Namespace, inbox.Key));
            List<NotificationRequested> items = [.. inbox];
            try
            {
                await (items.Count == 1 ? stream.OnNextAsync(items[0]) : stream.OnNextBatchAsync(items));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                foreach (var notification in items)
                {
                    LogPublishFailed(logger, exception, notification.EventId, grain.GetGrainId());
                }
            }
        }));

    private void StartRedelivery() => redeliveryTimer ??= grain.RegisterGrainTimer(
        static (outbox, _) => outbox.Redeliver(),
        this,
        new GrainTimerCreationOptions(redelivery, redelivery) { KeepAlive = true });

    private void StopRedelivery()
    {
        redeliveryTimer?.Dispose();
        redeliveryTimer = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing notification {EventId} of {Owner} failed; it is published again until acknowledged")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string eventId, GrainId owner);
}
