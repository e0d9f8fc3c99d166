using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Chat;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Chat;

[GenerateSerializer, Alias("chat.ChatListState")]
public sealed class ChatListState
{
    [Id(0)] public Dictionary<string, ChatSummary> Chats { get; set; } = [];

    /// <summary>
    /// False while an activation holds newer last messages than the stored ones (the release before wrote only
    /// this); kept as the mirror of <see cref="Stale"/> on every write, so a silo of either release reads the mark
    /// the other wrote during a rolling upgrade.
    /// </summary>
    [Id(1)] public bool Current { get; set; } = true;

    /// <summary>
    /// True while an activation holds newer last messages than the stored ones: set (with one write) on the first
    /// such change, cleared at deactivation. An activation that finds it (or <see cref="Current"/> false) lost its
    /// predecessor's last write and reads the last messages from the conversations again.
    /// </summary>
    /// <remarks>
    /// A flag that starts false: a storage serializer that leaves out members at their default (Orleans' JSON
    /// storage serializer does, which the grain tests' memory storage uses) reads a stored false back as the
    /// initializer's value. <see cref="Current"/> alone, initialised to true, never read back false there.
    /// </remarks>
    [Id(2)] public bool Stale { get; set; }

    /// <summary>Whether the stored last messages may be older than the conversations' (either mark).</summary>
    public bool NeedsRecovery() => Stale || !Current;

    public void Mark(bool stale) => (Stale, Current) = (stale, !stale);
}

/// <summary>The ids of a user's chats, stored apart from their last messages.</summary>
[GenerateSerializer, Alias("chat.ChatIdsState")]
public sealed class ChatIdsState
{
    [Id(0)] public HashSet<string> ChatIds { get; set; } = [];
}

/// <summary>
/// A user's chats. Every message touches both participants' lists, so only what the conversations cannot tell again
/// is written when it happens: a chat new to the list, and only its id, into a state of ids alone (a producer with
/// hundreds of buyers must not write hundreds of last messages per new buyer). Last messages stay in memory and are
/// stored at deactivation; after a crash, and for chats whose id was stored after them, they are read back from the
/// conversations.
/// </summary>
internal sealed partial class ChatListGrain(
    [PersistentState("chats", StorageNames.Realtime)] IPersistentState<ChatListState> list,
    [PersistentState("chat-ids", StorageNames.Realtime)] IPersistentState<ChatIdsState> ids,
    ILogger<ChatListGrain> logger) : Grain, IChatListGrain
{
    /// <summary>Conversations asked at once for their last message when a list recovers from a crash.</summary>
    private const int RecoveryBatch = 32;

    private bool unsaved;

    /// <summary>
    /// False when a conversation could not give its last message at activation: the stored list stays marked
    /// stale, so the next activation asks again.
    /// </summary>
    private bool recovered = true;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var known = ids.State.ChatIds;
        if (!list.State.Chats.Keys.All(known.Contains))
        {
            // A list stored before the ids had a state of their own (or whose id write was lost): its chats are known.
            known.UnionWith(list.State.Chats.Keys);
            await ids.WriteStateAsync(cancellationToken);
        }

        // After a crash every last message may be stale; otherwise only chats whose id came after the last messages'
        // write have none. A producer may have hundreds of chats: a few conversations at a time, and one that cannot
        // answer keeps its stored last message (its next message touches the list) rather than fail the whole list.
        var stale = list.State.NeedsRecovery()
            ? [.. known]
            : known.Where(id => !list.State.Chats.ContainsKey(id)).ToList();
        foreach (var batch in stale.Chunk(RecoveryBatch))
        {
            var summaries = await Task.WhenAll(batch.Select(Summary));
            foreach (var summary in summaries.OfType<ChatSummary>())
            {
                Merge(summary);
            }
        }

        unsaved |= stale.Count > 0;
    }

    private async Task<ChatSummary?> Summary(string chatId)
    {
        try
        {
            return await GrainFactory.GetGrain<IConversationGrain>(chatId).GetSummary();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSummaryFailed(logger, exception, chatId, this.GetPrimaryKeyString());
            recovered = false;
            return null;
        }
    }

    public async Task Touch(ChatSummary chat)
    {
        if (!Merge(chat))
        {
            return;
        }

        unsaved = true;
        if (ids.State.ChatIds.Add(chat.ChatId))
        {
            await ids.WriteStateAsync();
        }

        if (!list.State.NeedsRecovery())
        {
            // Once per activation: from now on memory is ahead of the stored last messages.
            list.State.Mark(stale: true);
            await list.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<ChatSummary>> GetChats() => Task.FromResult<IReadOnlyList<ChatSummary>>(
        [.. list.State.Chats.Values.OrderByDescending(c => c.LastMessage.SentAt)]);

    public Task<ChatListPage> GetChats(int limit, DateTimeOffset? afterTime, string? afterChatId)
    {
        var page = NewestFirst.After(list.State.Chats.Values, c => c.LastMessage.SentAt, c => c.ChatId, afterTime,
            afterChatId).Take(limit + 1).ToList();
        return Task.FromResult(new ChatListPage([.. page.Take(limit)], page.Count > limit));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (unsaved)
        {
            list.State.Mark(stale: !recovered);
            await list.WriteStateAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Keeps the newer summary: a later message, or the same one read further by this list's user (read marks only
    /// move forward, so an older summary arriving late changes nothing).
    /// </summary>
    private bool Merge(ChatSummary chat)
    {
        var user = this.GetPrimaryKeyString();
        if (list.State.Chats.TryGetValue(chat.ChatId, out var known)
            && (known.LastMessage.Sequence > chat.LastMessage.Sequence
                || (known.LastMessage.Sequence == chat.LastMessage.Sequence
                    && known.ReadBy(user) >= chat.ReadBy(user))))
        {
            return false;
        }

        list.State.Chats[chat.ChatId] = chat;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Chat {ChatId} did not give its last message to the list of {UserId}")]
    private static partial void LogSummaryFailed(ILogger logger, Exception exception, string chatId, string userId);
}
