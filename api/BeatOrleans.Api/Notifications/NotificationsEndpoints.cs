using System.Globalization;
using BeatOrleans.Api.Auth;
using BeatOrleans.Contracts.Notifications;

namespace BeatOrleans.Api.Notifications;

public static class NotificationsEndpoints
{
    public static IEndpointRouteBuilder MapNotificationsEndpoints(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/notifications").WithTags("Notifications");
        notifications.MapGet("/", List).WithName("GetNotifications")
            .WithSummary("The caller's notifications, newest first, a page at a time.");
        notifications.MapPost("/mark-as-read", MarkAsRead).ProducesProblem(StatusCodes.Status404NotFound).WithName("MarkNotificationRead").WithSummary("Mark one notification, or all, as read.");
        return app;
    }

    private static async Task<Results<Ok<NotificationsResponse>, ValidationProblem>> List(
        string? status, int? limit, string? cursor, HttpContext http, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (status is not (null or "unread" or "all"))
        {
            errors.Add("status", "status is 'unread' or 'all'.");
        }

        Paging.CheckLimit(limit, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        long? before = null;
        if (cursor is not null)
        {
            if (!TryReadCursor(cursor, out var sequence))
            {
                return Paging.UnknownCursor("cursor is not one this list gave out.");
            }

            before = sequence;
        }

        var userId = http.User.UserId();
        var page = await grains.GetGrain<IInboxGrain>(userId)
            .GetPage(status == "unread", limit ?? Paging.DefaultLimit, before);
        var nextCursor = page.Next is { } next ? $"{CursorPrefix}{next}" : null;
        return TypedResults.Ok(new NotificationsResponse(userId, [.. page.Items.Select(ToResponse)], nextCursor));
    }

    /// <summary>A cursor names the notification a page stops before, by its number in the inbox.</summary>
    private const string CursorPrefix = "n";

    private static bool TryReadCursor(string cursor, out long sequence)
    {
        sequence = 0;
        return cursor.Length is > 1 and <= 20 && cursor.StartsWith(CursorPrefix, StringComparison.Ordinal)
            && cursor.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(cursor.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private static async Task<Results<Ok<MarkAsReadResponse>, ValidationProblem, ProblemHttpResult>> MarkAsRead(
        MarkAsReadRequest request, HttpContext http, IGrainFactory grains)
    {
        var inbox = grains.GetGrain<IInboxGrain>(http.User.UserId());
        if (request.All == true && request.NotificationId is not null)
        {
            // Which one was meant is unclear: marking all would do more than a client that named one asked for.
            return Refusals.Invalid("notification_id", "Send notification_id or all: true, not both.");
        }

        if (request.All == true)
        {
            return TypedResults.Ok(new MarkAsReadResponse(null, "read", await inbox.MarkAllRead()));
        }

        if (string.IsNullOrEmpty(request.NotificationId) || request.NotificationId.Length > 64)
        {
            return Refusals.Invalid("notification_id", "notification_id or all: true is required.");
        }

        return await inbox.MarkRead(request.NotificationId)
            ? TypedResults.Ok(new MarkAsReadResponse(request.NotificationId, "read", null))
            : Refusals.NotFound("You have no notification with this id.");
    }

    public static NotificationResponse ToResponse(Notification n) =>
        new(n.NotificationId, n.Type, n.Message, n.Read ? "read" : "unread", n.CreatedAt, n.SubjectType, n.SubjectId);
}
