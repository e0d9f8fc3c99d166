using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;

namespace BeatOrleans.Chat;

[GenerateSerializer, Alias("chat.ChatListState")]
public sealed class ChatListState
{
    [Id(0)] public Dictionary<string, ChatSummary> Chats { get; set; } = [];
}

public sealed class ChatListGrain(
    [PersistentState("chats", StorageNames.Realtime)] IPersistentState<ChatListState> list) : Grain, IChatListGrain
{
    public async Task Touch(ChatSummary chat)
    {
        if (list.State.Chats.TryGetValue(chat.ChatId, out var known) && known.LastMessage.Sequence >= chat.LastMessage.Sequence)
        {
            return;
        }

        list.State.Chats[chat.ChatId] = chat;
        await list.WriteStateAsync();
    }

    public Task<IReadOnlyList<ChatSummary>> GetChats() => Task.FromResult<IReadOnlyList<ChatSummary>>(
        [.. list.State.Chats.Values.OrderByDescending(c => c.LastMessage.SentAt)]);
}
