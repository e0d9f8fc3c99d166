using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;

namespace BeatOrleans.Chat;

[GenerateSerializer, Alias("chat.ConversationPageState")]
public sealed class ConversationPageState
{
    [Id(0)] public List<ChatMessage> Messages { get; set; } = [];
}

internal sealed class ConversationPageGrain(
    [PersistentState("page", StorageNames.Realtime)] IPersistentState<ConversationPageState> page) : Grain, IConversationPageGrain
{
    public async Task Append(IReadOnlyList<ChatMessage> messages)
    {
        var stored = page.State.Messages;
        var replaced = messages.Select(m => m.Sequence).ToHashSet();
        stored.RemoveAll(m => replaced.Contains(m.Sequence));
        stored.AddRange(messages);
        stored.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        await page.WriteStateAsync();
    }

    public Task<IReadOnlyList<ChatMessage>> GetMessages() => Task.FromResult<IReadOnlyList<ChatMessage>>([.. page.State.Messages]);
}
