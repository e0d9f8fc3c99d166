using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;

namespace BeatOrleans.Chat;

[GenerateSerializer, Alias("chat.ConversationPageState")]
public sealed class ConversationPageState
{
    [Id(0)] public List<ChatMessage> Messages { get; set; } = [];
}

public sealed class ConversationPageGrain(
    [PersistentState("page", StorageNames.Realtime)] IPersistentState<ConversationPageState> page) : Grain, IConversationPageGrain
{
    public async Task Append(ChatMessage message)
    {
        var messages = page.State.Messages;
        messages.RemoveAll(m => m.Sequence == message.Sequence);
        messages.Add(message);
        messages.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        await page.WriteStateAsync();
    }

    public Task<IReadOnlyList<ChatMessage>> GetMessages() => Task.FromResult<IReadOnlyList<ChatMessage>>([.. page.State.Messages]);
}
