using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;
using Orleans.Concurrency;

namespace BeatOrleans.Chat;

/// <summary>A fixed-size segment of a conversation's history, keyed "chatId/pageNumber".</summary>
[Alias("chat.IConversationPageGrain")]
internal interface IConversationPageGrain : IGrainWithStringKey
{
    /// <summary>Adds messages to the segment with one write (idempotent on their sequence numbers).</summary>
    [Alias("AppendMany")]
    Task Append(IReadOnlyList<ChatMessage> messages);

    /// <summary>The segment's messages, oldest first.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetMessages")]
    Task<IReadOnlyList<ChatMessage>> GetMessages();
}
