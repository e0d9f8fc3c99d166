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
}
