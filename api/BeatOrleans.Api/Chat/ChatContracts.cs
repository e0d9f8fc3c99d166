namespace BeatOrleans.Api.Chat;

// The JSON bodies of the Chat table of the contract (snake_case on the wire).

public sealed record SendMessageRequest(string? Receiver, string? Message, string? Sender);

public sealed record SentMessageResponse(string ChatId, string MessageId, string Sender, string Receiver, string Content, DateTimeOffset SentAt);

public sealed record MessageResponse(string MessageId, string Sender, string Content, DateTimeOffset SentAt);

public sealed record MessagesResponse(string ChatId, IReadOnlyList<MessageResponse> Messages, string? NextBefore, string? NextAfter);

public sealed record ChatResponse(string ChatId, IReadOnlyList<string> Participants, MessageResponse LastMessage);

public sealed record ChatHistoryResponse(string UserId, IReadOnlyList<ChatResponse> Chats);
