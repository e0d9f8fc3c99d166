using BeatOrleans.Contracts;

namespace BeatOrleans.Notifications;

/// <summary>A fixed-size segment of one inbox, keyed "userId/pageNumber"; only its inbox calls it.</summary>
[Alias("notifications.IInboxPageGrain")]
internal interface IInboxPageGrain : IGrainWithStringKey
{
    /// <summary>Adds notifications with one write (idempotent on their sequence numbers: an orphan of a crash is replaced).</summary>
    [Alias("AppendMany")]
    Task Append(IReadOnlyList<StoredNotification> notifications);

    /// <summary>The segment, oldest first.</summary>
    [Alias("GetAll")]
    Task<IReadOnlyList<StoredNotification>> GetAll();

    /// <summary>Marks these notifications read.</summary>
    [Alias("MarkRead")]
    Task MarkRead(IReadOnlyCollection<long> sequences);

    /// <summary>Deletes the segment: its inbox pruned it.</summary>
    [Alias("Clear")]
    Task Clear();
}

internal sealed class InboxPageGrain(
    [PersistentState("page", StorageNames.Realtime)] IPersistentState<InboxPageState> page) : Grain, IInboxPageGrain
{
    public async Task Append(IReadOnlyList<StoredNotification> notifications)
    {
        var stored = page.State.Notifications;
        var replaced = notifications.Select(n => n.Sequence).ToHashSet();
        stored.RemoveAll(n => replaced.Contains(n.Sequence));
        stored.AddRange(notifications);
        stored.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        await page.WriteStateAsync();
    }

    public Task<IReadOnlyList<StoredNotification>> GetAll() => Task.FromResult<IReadOnlyList<StoredNotification>>([.. page.State.Notifications]);

    public async Task MarkRead(IReadOnlyCollection<long> sequences)
    {
        var notifications = page.State.Notifications;
        var changed = false;
        for (var i = 0; i < notifications.Count; i++)
        {
            if (!notifications[i].Notification.Read && sequences.Contains(notifications[i].Sequence))
            {
                notifications[i] = notifications[i] with { Notification = notifications[i].Notification with { Read = true } };
                changed = true;
            }
        }

        if (changed)
        {
            await page.WriteStateAsync();
        }
    }

    public async Task Clear()
    {
        await page.ClearStateAsync();
        DeactivateOnIdle();
    }
}
