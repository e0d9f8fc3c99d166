using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;

namespace BeatOrleans.Notifications;

/// <summary>The head of an inbox: where its pages begin and end, and its outbox. The notifications live in pages.</summary>
[GenerateSerializer, Alias("notifications.InboxState")]
public sealed class InboxState
{
    /// <summary>Notifications of the first version, which kept them all in this state; moved into pages on activation.</summary>
    [Id(0)] public List<Notification> Notifications { get; set; } = [];

    /// <summary>Event ids of the first version; kept for deduplication until the pages hold enough ids of their own.</summary>
    [Id(1)] public List<string> DeliveredEvents { get; set; } = [];

    /// <summary>Integration events written with the notification that caused them, until the broker confirms them.</summary>
    [Id(2)] public List<IntegrationEvent> Events { get; set; } = [];

    /// <summary>The sequence number of the next notification: how many this inbox has ever stored.</summary>
    [Id(3)] public long Next { get; set; }

    /// <summary>The oldest page still kept; older ones were pruned.</summary>
    [Id(4)] public long FirstPage { get; set; }
}

/// <summary>A notification as a page stores it: with its place in the inbox and the event that caused it.</summary>
[GenerateSerializer, Immutable, Alias("notifications.StoredNotification")]
public sealed record StoredNotification(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string EventId,
    [property: Id(2)] Notification Notification);

[GenerateSerializer, Alias("notifications.InboxPageState")]
public sealed class InboxPageState
{
    /// <summary>Oldest first.</summary>
    [Id(0)] public List<StoredNotification> Notifications { get; set; } = [];
}
