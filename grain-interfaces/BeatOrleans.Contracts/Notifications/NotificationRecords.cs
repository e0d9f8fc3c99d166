using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Notifications;

[GenerateSerializer, Immutable, Alias("notifications.Notification")]
public sealed record Notification(
    [property: Id(0)] string NotificationId,
    [property: Id(1)] string Type,
    [property: Id(2)] string Message,
    [property: Id(3)] bool Read,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>
/// A page of an inbox, newest first; <see cref="Next"/> (the number to page before) is null on the last page.
/// </summary>
[GenerateSerializer, Immutable, Alias("notifications.NotificationPage")]
public sealed record NotificationPage(
    [property: Id(0)] IReadOnlyList<Notification> Items,
    [property: Id(1)] long? Next);

/// <summary>One user's notifications, keyed by user id; fed by <see cref="Events.NotificationRequested"/> events.</summary>
[Alias("notifications.IInboxGrain")]
public interface IInboxGrain : IGrainWithStringKey
{
    /// <summary>Newest first, at most <paramref name="limit"/>, optionally unread only.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetNotifications")]
    Task<IReadOnlyList<Notification>> GetNotifications(bool unreadOnly, int limit);

    /// <summary>
    /// Newest first, at most <paramref name="limit"/>, optionally unread only, older than the notification numbered
    /// <paramref name="before"/> when given; <see cref="NotificationPage.Next"/> is where the next page starts.
    /// </summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetPage")]
    Task<NotificationPage> GetPage(bool unreadOnly, int limit, long? before);

    /// <summary>Marks one notification read; false when the inbox has no such id.</summary>
    [Alias("MarkRead")]
    Task<bool> MarkRead(string notificationId);

    /// <summary>Marks every notification read; answers how many changed.</summary>
    [Alias("MarkAllRead")]
    Task<int> MarkAllRead();

    /// <summary>Stores the requested notification unless its event id was seen (then nothing), and pushes it live; returns once stored.</summary>
    [Alias("Receive")]
    Task Receive(Events.NotificationRequested request);
}
