namespace BeatOrleans.Api.Chat;

// The JSON bodies of the Chat table of the contract (snake_case on the wire).

public sealed record SendMessageRequest(string? Receiver, string? Message, string? Sender);

public sealed record SentMessageResponse(string ChatId, string MessageId, string Sender, string Receiver, string Content, DateTimeOffset SentAt);

/// <summary>A chat message; <c>kind</c> is text or offer, and an offer message carries the offer as it was when posted.</summary>
public sealed record MessageResponse(string MessageId, string Sender, string Content, DateTimeOffset SentAt, string Kind, Purchasing.OfferCardResponse? Offer);

public sealed record MessagesResponse(string ChatId, IReadOnlyList<MessageResponse> Messages, string? NextBefore, string? NextAfter);

/// <summary>
/// A chat in the caller's list; <c>unread_count</c>: the other participant's messages the caller has not read.
/// </summary>
public sealed record ChatResponse(
    string ChatId, IReadOnlyList<string> Participants, MessageResponse LastMessage, long UnreadCount);

/// <summary>
/// Marks a chat read up to <c>message_id</c> (a message of the chat), or up to its newest message without it.
/// </summary>
public sealed record MarkChatReadRequest(string? MessageId = null);

/// <summary>How far the caller has read the chat, and how many of its messages they have not.</summary>
public sealed record ChatReadResponse(string ChatId, string? LastReadMessageId, long UnreadCount);

public sealed record ChatHistoryResponse(string UserId, IReadOnlyList<ChatResponse> Chats, string? NextCursor);
