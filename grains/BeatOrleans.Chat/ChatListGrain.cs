using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;

namespace BeatOrleans.Chat;

[GenerateSerializer, Alias("chat.ChatListState")]
public sealed class ChatListState
{
    [Id(0)] public Dictionary<string, ChatSummary> Chats { get; set; } = [];

    /// <summary>
    /// False while an activation holds newer last messages than the stored ones: set (with one write) on the first
    /// such change, cleared at deactivation. An activation that finds it false lost its predecessor's last write and
    /// reads the last messages from the conversations again.
    /// </summary>
    [Id(1)] public bool Current { get; set; } = true;
}

/// <summary>
/// A user's chats. Every message touches both participants' lists, so only what the conversations cannot tell again
/// is written when it happens: a chat new to the list. Newer last messages of known chats stay in memory and are
/// stored at deactivation; after a crash they are read back from the conversations.
/// </summary>
internal sealed class ChatListGrain(
    [PersistentState("chats", StorageNames.Realtime)] IPersistentState<ChatListState> list) : Grain, IChatListGrain
{
    private bool unsaved;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (list.State.Current)
        {
            return;
        }

        var summaries = await Task.WhenAll(list.State.Chats.Keys.Select(id => GrainFactory.GetGrain<IConversationGrain>(id).GetSummary()));
        foreach (var summary in summaries.OfType<ChatSummary>())
        {
            Merge(summary);
        }

        unsaved = true;
    }

    public async Task Touch(ChatSummary chat)
    {
        var isNew = !list.State.Chats.ContainsKey(chat.ChatId);
        if (!Merge(chat))
        {
            return;
        }

        if (isNew || list.State.Current)
        {
            list.State.Current = false;
            await list.WriteStateAsync();
        }

        unsaved = true;
    }

    public Task<IReadOnlyList<ChatSummary>> GetChats() => Task.FromResult<IReadOnlyList<ChatSummary>>(
        [.. list.State.Chats.Values.OrderByDescending(c => c.LastMessage.SentAt)]);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (unsaved)
        {
            list.State.Current = true;
            await list.WriteStateAsync(cancellationToken);
        }
    }

    private bool Merge(ChatSummary chat)
    {
        if (list.State.Chats.TryGetValue(chat.ChatId, out var known) && known.LastMessage.Sequence >= chat.LastMessage.Sequence)
        {
            return false;
        }

        list.State.Chats[chat.ChatId] = chat;
        return true;
    }
}
