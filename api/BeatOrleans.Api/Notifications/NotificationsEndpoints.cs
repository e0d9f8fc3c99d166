using BeatOrleans.Api.Auth;
using BeatOrleans.Contracts.Notifications;

namespace BeatOrleans.Api.Notifications;

public static class NotificationsEndpoints
{
    public static IEndpointRouteBuilder MapNotificationsEndpoints(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/notifications").WithTags("Notifications");
        notifications.MapGet("/", List).WithName("GetNotifications").WithSummary("The caller's notifications, newest first.");
        notifications.MapPost("/mark-as-read", MarkAsRead).ProducesProblem(StatusCodes.Status404NotFound).WithName("MarkNotificationRead").WithSummary("Mark one notification, or all, as read.");
        return app;
    }

    private static async Task<Results<Ok<NotificationsResponse>, ValidationProblem>> List(string? status, int? limit, HttpContext http, IGrainFactory grains)
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

        var userId = http.User.UserId();
        var items = await grains.GetGrain<IInboxGrain>(userId).GetNotifications(status == "unread", limit ?? Paging.DefaultLimit);
        return TypedResults.Ok(new NotificationsResponse(userId, [.. items.Select(ToResponse)]));
    }

    private static async Task<Results<Ok<MarkAsReadResponse>, ValidationProblem, ProblemHttpResult>> MarkAsRead(
        MarkAsReadRequest request, HttpContext http, IGrainFactory grains)
    {
        var inbox = grains.GetGrain<IInboxGrain>(http.User.UserId());
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

    public static NotificationResponse ToResponse(Notification n) => new(n.NotificationId, n.Type, n.Message, n.Read ? "read" : "unread", n.CreatedAt);
}
