using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Chat;

/// <summary>The conversation of one pair of users, keyed by <see cref="ChatIds.For"/>; history lives in page grains.</summary>
/// <remarks>Version 1 added <see cref="MarkRead"/>.</remarks>
[Alias("chat.IConversationGrain"), Orleans.CodeGeneration.Version(1)]
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Appends a message (the first one fixes the two participants) and notifies the receiver; answers once the
    /// message is stored. It interleaves: sends that arrive while a write is in flight are stored together by the
    /// next write (group commit), instead of queueing one write each behind it. A send whose
    /// <see cref="Outgoing.Key"/> this sender used for one of the conversation's latest keyed messages appends nothing
    /// and answers that message (or waits for it while it is being stored).
    /// </summary>
    [AlwaysInterleave, Alias("Send")]
    Task<ChatMessage> Send(Outgoing outgoing);

    /// <summary>
    /// Up to <paramref name="limit"/> messages, oldest first: the newest ones before <paramref name="beforeSequence"/>
    /// (or the newest of all), or with <paramref name="afterSequence"/> the oldest ones after it. Null if the caller is
    /// no participant.
    /// </summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetMessages")]
    Task<MessagePage?> GetMessages(string callerId, long? beforeSequence, long? afterSequence, int limit);

    /// <summary>
    /// The conversation as a chat list shows it, or null before its first message. It interleaves: a chat list that
    /// activates while this conversation is sending it a message asks for it, and must not wait for that send.
    /// </summary>
    [AlwaysInterleave, Alias("GetSummary")]
    Task<ChatSummary?> GetSummary();

    /// <summary>
    /// <paramref name="callerId"/> has read the conversation up to the message numbered
    /// <paramref name="upToSequence"/> (the newest when null, or when later than the newest); a read mark never moves
    /// back. Their chat list shows the unread count from then on. Null if the caller is no participant.
    /// </summary>
    [AlwaysInterleave, Alias("MarkRead")]
    Task<ChatRead?> MarkRead(string callerId, long? upToSequence);
}

/// <summary>The chats one user takes part in, keyed by user id.</summary>
/// <remarks>Version 1 added the paged <see cref="GetChats(int, DateTimeOffset?, string?)"/>.</remarks>
[Alias("chat.IChatListGrain"), Orleans.CodeGeneration.Version(1)]
public interface IChatListGrain : IGrainWithStringKey
{
    /// <summary>Records the latest message of a chat.</summary>
    [Alias("Touch")]
    Task Touch(ChatSummary chat);

    /// <summary>The user's chats, most recent first: all of them (API nodes of an older version page them).</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetChats")]
    Task<IReadOnlyList<ChatSummary>> GetChats();

    /// <summary>
    /// Up to <paramref name="limit"/> of the user's chats, most recent first (ties by chat id), starting after the chat
    /// last sent at <paramref name="afterTime"/> with id <paramref name="afterChatId"/> (from the newest when null):
    /// only the page crosses the wire, however many chats the user has.
    /// </summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetChatsPage")]
    Task<ChatListPage> GetChats(int limit, DateTimeOffset? afterTime, string? afterChatId);
}
