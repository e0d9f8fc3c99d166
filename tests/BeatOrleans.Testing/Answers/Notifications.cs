namespace BeatOrleans.Testing;

public sealed record NotificationView(string NotificationId, string Type, string Message, string Status, DateTimeOffset CreatedAt);

public sealed record NotificationsView(string UserId, IReadOnlyList<NotificationView> Notifications);
