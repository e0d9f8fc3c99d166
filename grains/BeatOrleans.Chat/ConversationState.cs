using BeatOrleans.Contracts.Chat;
using BeatOrleans.Contracts.Events;

namespace BeatOrleans.Chat;

[GenerateSerializer, Alias("chat.ConversationState")]
public sealed class ConversationState
{
    /// <summary>The two user ids, in ordinal order.</summary>
    [Id(0)] public List<string> Participants { get; set; } = [];

    /// <summary>Messages so far; the next message's sequence number.</summary>
    [Id(1)] public long Count { get; set; }

    [Id(2)] public ChatMessage? LastMessage { get; set; }

    /// <summary>Notifications written with the message that caused them, kept until the inbox acknowledges them.</summary>
    [Id(3)] public List<NotificationRequested> Notifications { get; set; } = [];

    /// <summary>Integration events written with the message that caused them, until the broker confirms them.</summary>
    [Id(4)] public List<IntegrationEvent> Events { get; set; } = [];

    /// <summary>
    /// The idempotency keys of the latest keyed messages, oldest first, at most
    /// <see cref="ConversationGrain.RememberedKeys"/>; written with the messages they name.
    /// </summary>
    [Id(5)] public List<SentKey> Keys { get; set; } = [];

    /// <summary>
    /// How far each participant has read, by user id: the sequence number of the last message they read. It moves
    /// when they mark the conversation read, and when they write a message of their own (a reply is written where
    /// the conversation is read); an offer card, which is posted from a beat's page, does not move it.
    /// </summary>
    [Id(6)] public Dictionary<string, long> ReadUpTo { get; set; } = [];

    /// <summary>
    /// By user id, how many of the other participant's messages came after that user's read mark: the unread count
    /// the chat list shows.
    /// </summary>
    [Id(7)] public Dictionary<string, long> Unread { get; set; } = [];
}

/// <summary>
/// An idempotency key, hashed with its sender's id, and the sequence number of the message it stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.SentKey")]
public sealed record SentKey([property: Id(0)] string Key, [property: Id(1)] long Sequence);
