namespace BeatOrleans.Api.Notifications;

/// <summary>A notification; <c>subject_type</c> and <c>subject_id</c> name what it is about, if anything.</summary>
public sealed record NotificationResponse(
    string NotificationId, string Type, string Message, string Status, DateTimeOffset CreatedAt, string? SubjectType,
    string? SubjectId);

public sealed record NotificationsResponse(
    string UserId, IReadOnlyList<NotificationResponse> Notifications, string? NextCursor);

public sealed record MarkAsReadRequest(string? NotificationId, bool? All);

public sealed record MarkAsReadResponse(string? NotificationId, string Status, int? Marked);
