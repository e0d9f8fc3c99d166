using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BeatOrleans.Contracts.Chat;

/// <summary>One message of a conversation; the sender is a user id.</summary>
[GenerateSerializer, Immutable, Alias("chat.ChatMessage")]
public sealed record ChatMessage(
    [property: Id(0)] string MessageId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string SenderId,
    [property: Id(3)] string Content,
    [property: Id(4)] DateTimeOffset SentAt,
    [property: Id(5)] OfferCard? Offer = null)
{
    public string Kind => Offer is null ? MessageKinds.Text : MessageKinds.Offer;
}

/// <summary>
/// What a sender asks a conversation to append. With a <see cref="Key"/> (the sender's idempotency key) a repeated send
/// appends nothing and answers the message first stored under that key, whatever its content; the caller compares.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.Outgoing")]
public sealed record Outgoing(
    [property: Id(0)] string SenderId,
    [property: Id(1)] string SenderUsername,
    [property: Id(2)] string ReceiverId,
    [property: Id(3)] string Content,
    [property: Id(4)] OfferCard? Offer = null,
    [property: Id(5)] string? Key = null);

/// <summary>A page of messages, oldest first, and whether older and newer ones exist.</summary>
[GenerateSerializer, Immutable, Alias("chat.MessagePage")]
public sealed record MessagePage(
    [property: Id(0)] IReadOnlyList<string> Participants,
    [property: Id(1)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(2)] bool HasOlder,
    [property: Id(3)] bool HasNewer = false);

/// <summary>
/// A conversation as a participant's chat list shows it, with how far each participant has read
/// (<see cref="ReadUpTo"/>: the sequence number of the last message they read; absent, none) and how many of the
/// other participant's messages came after that (<see cref="Unread"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.ChatSummary")]
public sealed record ChatSummary(
    [property: Id(0)] string ChatId,
    [property: Id(1)] IReadOnlyList<string> Participants,
    [property: Id(2)] ChatMessage LastMessage,
    [property: Id(3)] IReadOnlyDictionary<string, long>? ReadUpTo = null,
    [property: Id(4)] IReadOnlyDictionary<string, long>? Unread = null)
{
    /// <summary>
    /// The last message <paramref name="userId"/> read, by sequence number; -1 for none. A summary kept before read
    /// marks were (none at all) counts as read: a release must not make every old chat unread.
    /// </summary>
    public long ReadBy(string userId) =>
        ReadUpTo is null ? LastMessage.Sequence : ReadUpTo.GetValueOrDefault(userId, -1);

    /// <summary>The other participant's messages <paramref name="userId"/> has not read.</summary>
    public long UnreadBy(string userId) => Unread?.GetValueOrDefault(userId) ?? 0;
}

/// <summary>How far a participant has read a conversation, after marking it read.</summary>
[GenerateSerializer, Immutable, Alias("chat.ChatRead")]
public sealed record ChatRead(
    [property: Id(0)] long ReadUpTo,
    [property: Id(1)] long Unread);

/// <summary>A page of a user's chats, most recent first, and whether more follow.</summary>
[GenerateSerializer, Immutable, Alias("chat.ChatListPage")]
public sealed record ChatListPage(
    [property: Id(0)] IReadOnlyList<ChatSummary> Chats,
    [property: Id(1)] bool HasMore);

public static class ChatIds
{
    /// <summary>The same two users always share one chat id, whoever writes first.</summary>
    public static string For(string userA, string userB)
    {
        var (first, second) = string.CompareOrdinal(userA, userB) <= 0 ? (userA, userB) : (userB, userA);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{first}\n{second}")))[..32];
    }

    public static string MessageId(string chatId, long sequence) => $"{chatId}.{sequence}";

    /// <summary>
    /// The sequence number inside a message id of this chat, or null; only the id as <see cref="MessageId"/> writes it
    /// (digits, no sign, space or leading zero), as docs/openapi.json describes cursors.
    /// </summary>
    public static long? Sequence(string chatId, string messageId) =>
        messageId.StartsWith(chatId + ".", StringComparison.Ordinal)
            && long.TryParse(
                messageId.AsSpan(chatId.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            && MessageId(chatId, sequence) == messageId
            ? sequence
            : null;
}
