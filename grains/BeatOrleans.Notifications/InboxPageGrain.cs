using BeatOrleans.Contracts;

namespace BeatOrleans.Notifications;

/// <summary>A fixed-size segment of one inbox, keyed "userId/pageNumber"; only its inbox calls it.</summary>
[Alias("notifications.IInboxPageGrain")]
public interface IInboxPageGrain : IGrainWithStringKey
{
    /// <summary>Adds a notification (idempotent on its sequence number: an orphan of a crash is replaced).</summary>
    [Alias("Append")]
    Task Append(StoredNotification notification);

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

public sealed class InboxPageGrain(
    [PersistentState("page", StorageNames.Realtime)] IPersistentState<InboxPageState> page) : Grain, IInboxPageGrain
{
    public async Task Append(StoredNotification notification)
    {
        var notifications = page.State.Notifications;
        notifications.RemoveAll(n => n.Sequence == notification.Sequence);
        notifications.Add(notification);
        notifications.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
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
