namespace BeatOrleans.Testing;

public sealed record NotificationView(
    string NotificationId, string Type, string Message, string Status, DateTimeOffset CreatedAt,
    string? SubjectType = null, string? SubjectId = null);

public sealed record NotificationsView(string UserId, IReadOnlyList<NotificationView> Notifications);
