namespace BeatOrleans.Testing;

public sealed record SentMessageView(string ChatId, string MessageId, string Sender, string Receiver, string Content, DateTimeOffset SentAt);

public sealed record MessageView(string MessageId, string Sender, string Content, DateTimeOffset SentAt, string Kind);

public sealed record MessagesView(string ChatId, IReadOnlyList<MessageView> Messages, string? NextBefore, string? NextAfter);

public sealed record ChatView(string ChatId, IReadOnlyList<string> Participants, MessageView LastMessage);

public sealed record ChatHistoryView(string UserId, IReadOnlyList<ChatView> Chats, string? NextCursor = null);
