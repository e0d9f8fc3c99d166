namespace BeatOrleans.Contracts.Events;

/// <summary>Routing keys of the integration events (docs/EVENTS.md has each schema).</summary>
public static class EventTypes
{
    public const string UserRegistered = "users.registered";
    public const string ChatMessageSent = "chat.message_sent";
    public const string NotificationCreated = "notifications.created";

    /// <summary>Inbound, on <c>beatorleans.inbound</c>: a notification for a user, from outside the cluster.</summary>
    public const string NotificationRequested = "notification.requested";
}

// The data of each outbound type. They cross RabbitMQ as snake_case JSON, not the Orleans wire, so they carry no
// Orleans ids; their property names are the published schema: rename nothing.

/// <summary><c>users.registered</c>: an account was created.</summary>
public sealed record UserRegistered(string UserId, string Username, DateTimeOffset CreatedAt);

/// <summary><c>chat.message_sent</c>: a message was stored. The content stays inside: chats are private.</summary>
public sealed record ChatMessageSent(string ChatId, string MessageId, long Sequence, string SenderId, string ReceiverId, int Length, DateTimeOffset SentAt);

/// <summary><c>notifications.created</c>: a notification was stored in a user's inbox.</summary>
public sealed record NotificationCreated(string NotificationId, string UserId, string Type, string Message, DateTimeOffset CreatedAt);
