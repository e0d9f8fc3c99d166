using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Notifications;

/// <summary>
/// One notification. <see cref="SubjectType"/> and <see cref="SubjectId"/> name what it is about, for a client to open
/// (<see cref="NotificationSubjects"/>); none for notifications from outside (the RabbitMQ bridge) or stored before.
/// </summary>
[GenerateSerializer, Immutable, Alias("notifications.Notification")]
public sealed record Notification(
    [property: Id(0)] string NotificationId,
    [property: Id(1)] string Type,
    [property: Id(2)] string Message,
    [property: Id(3)] bool Read,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string? SubjectType = null,
    [property: Id(6)] string? SubjectId = null);

/// <summary>What a notification can be about: each names the id a client opens it by.</summary>
public static class NotificationSubjects
{
    /// <summary>A conversation: its chat id (GET /api/chat/messages/{chat_id}).</summary>
    public const string Chat = "chat";

    /// <summary>A purchase or sale: its purchase id (GET /api/purchases/{purchase_id}).</summary>
    public const string Purchase = "purchase";

    /// <summary>A beat: its beat id (GET /api/beats/{beat_id}).</summary>
    public const string Beat = "beat";

    public static readonly IReadOnlyList<string> All = [Chat, Purchase, Beat];
}

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
