using Orleans.Concurrency;
using BeatOrleans.Contracts.Chat;

namespace BeatOrleans.Contracts.Notifications;

/// <summary>A chat message as its receiver's live connections get it.</summary>
[GenerateSerializer, Immutable, Alias("notifications.MessagePush")]
public sealed record MessagePush(
    [property: Id(0)] string ChatId,
    [property: Id(1)] string MessageId,
    [property: Id(2)] string SenderUsername,
    [property: Id(3)] string Content,
    [property: Id(4)] DateTimeOffset SentAt,
    [property: Id(5)] OfferCard? Offer = null);

/// <summary>
/// Something to show a user's live connections now: a message or a notification, handed to the user's
/// <see cref="IUserPushGrain"/>. Pushes are best effort: a client that was away catches up from the REST endpoints,
/// where everything is stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("notifications.Push")]
public sealed record Push(
    [property: Id(0)] string UserId,
    [property: Id(1)] MessagePush? Message,
    [property: Id(2)] Notification? Notification)
{
    public static Push For(string userId, ChatMessage message, string senderUsername, string chatId) =>
        new(userId, new MessagePush(chatId, message.MessageId, senderUsername, message.Content, message.SentAt, message.Offer), null);
}

/// <summary>
/// An API node's receiver of pushes for the users connected to it. Orleans hands a client object its calls one at a
/// time, so a node answers as soon as it has queued a push for its user's connections (in order per user) and sends
/// it to them afterwards: one user's slow connection never holds up the pushes of the node's other users.
/// </summary>
[Alias("notifications.IPushObserver")]
public interface IPushObserver : IGrainObserver
{
    [Alias("Deliver")]
    Task Deliver(Push push);

    /// <summary>Several pushes of one user, in the order they are to be shown.</summary>
    [Alias("DeliverAll")]
    Task DeliverAll(IReadOnlyList<Push> pushes);

    /// <summary>Ends the node's connections that were opened with a session that has just been revoked.</summary>
    [Alias("SessionEnded")]
    Task SessionEnded(string userId, string sessionId);
}

/// <summary>
/// Fans one user's pushes out to every API node holding a connection of that user; keyed by user id. To each node
/// one call is in flight at a time, and the pushes that arrive meanwhile go out together in the next one, so a busy
/// user costs a node call per batch rather than per push; each node gets the pushes in the order this grain took them.
/// </summary>
[Alias("notifications.IUserPushGrain")]
public interface IUserPushGrain : IGrainWithStringKey
{
    /// <summary>Registers (or refreshes) a node's observer; a registration not refreshed within a few minutes lapses.</summary>
    [Alias("Subscribe")]
    Task Subscribe(IPushObserver node);

    /// <summary>Removes a node's observer once it holds no connection of the user.</summary>
    [Alias("Unsubscribe")]
    Task Unsubscribe(IPushObserver node);

    /// <summary>Hands a live push to every registered node; one-way, best effort (clients catch up over REST).</summary>
    [OneWay, Alias("Push")]
    Task Push(Push push);

    /// <summary>
    /// Several live pushes in the order they are to be shown (a batch a producer stored with one write); one-way.
    /// </summary>
    [OneWay, Alias("PushAll")]
    Task PushAll(IReadOnlyList<Push> pushes);

    /// <summary>
    /// Tells every registered node that one of the user's sessions was revoked; one-way, best effort (each node also
    /// re-checks the sessions of its connections periodically).
    /// </summary>
    [OneWay, Alias("EndSession")]
    Task EndSession(string sessionId);
}
