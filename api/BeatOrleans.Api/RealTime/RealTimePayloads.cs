using BeatOrleans.Contracts.Notifications;

namespace BeatOrleans.Api.RealTime;

// What live connections receive, as the contract's Real time section shapes it (snake_case on the wire).

public sealed record RealTimeMessage(
    string Type, string ChatId, string MessageId, string Sender, string Content, DateTimeOffset SentAt, string Message, string Kind, Purchasing.OfferCardResponse? Offer)
{
    public static RealTimeMessage From(MessagePush m) =>
        new("real-time message", m.ChatId, m.MessageId, m.SenderUsername, m.Content, m.SentAt,
            $"New message from {m.SenderUsername}",
            m.Offer is null ? Contracts.Chat.MessageKinds.Text : Contracts.Chat.MessageKinds.Offer, Purchasing.OfferCardResponse.From(m.Offer));
}

public sealed record RealTimeNotification(
    string Type, string NotificationId, string Kind, string Message, string Status, DateTimeOffset CreatedAt,
    string? SubjectType, string? SubjectId)
{
    public static RealTimeNotification From(Notification n) => new("real-time notification", n.NotificationId, n.Type,
        n.Message, n.Read ? "read" : "unread", n.CreatedAt, n.SubjectType, n.SubjectId);
}
