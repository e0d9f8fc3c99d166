namespace BeatOrleans.Api.Notifications;

public sealed record NotificationResponse(string NotificationId, string Type, string Message, string Status, DateTimeOffset CreatedAt);

public sealed record NotificationsResponse(
    string UserId, IReadOnlyList<NotificationResponse> Notifications, string? NextCursor);

public sealed record MarkAsReadRequest(string? NotificationId, bool? All);

public sealed record MarkAsReadResponse(string? NotificationId, string Status, int? Marked);
