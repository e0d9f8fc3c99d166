using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Notifications;
using Orleans.Core.Internal;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class InboxTests(GrainCluster cluster)
{
    private static NotificationRequested Request(string user, int i) =>
        new($"evt-{user}-{i}", default, user, "message", $"note {i}", DateTimeOffset.UtcNow);

    private async Task<IReadOnlyList<Notification>> All(string user) =>
        await cluster.Grains.GetGrain<IInboxGrain>(user).GetNotifications(false, 10_000);

    private async Task Restart(string user) =>
        await cluster.Grains.GetGrain<IInboxGrain>(user).AsReference<IGrainManagementExtension>().DeactivateOnIdle();

    [Fact]
    public async Task A_full_inbox_keeps_its_newest_notifications_and_forgets_whole_old_pages()
    {
        var user = Guid.NewGuid().ToString("N");
        var inbox = cluster.Grains.GetGrain<IInboxGrain>(user);
        const int total = InboxGrain.PageSize * (InboxGrain.KeptPages + 2) + 7; // 607: pages 0..12, page 12 holds 7
        for (var i = 0; i < total; i++)
        {
            await inbox.Receive(Request(user, i));
        }

        var kept = await All(user);
        // Pages 2..12 stay: ten full pages behind the newest one, which holds 7.
        Assert.Equal(InboxGrain.MaxNotifications + 7, kept.Count);
        Assert.Equal(Enumerable.Range(total - kept.Count, kept.Count).Reverse().Select(i => $"note {i}"), kept.Select(n => n.Message));

        await Restart(user);
        Assert.Equal(kept, await All(user));
    }

    [Fact]
    public async Task A_burst_on_the_stream_with_every_event_twice_is_stored_once_each_and_survives_a_new_activation()
    {
        var user = Guid.NewGuid().ToString("N");
        var stream = cluster.Client.GetStreamProvider(BeatOrleans.Contracts.StorageNames.Events)
            .GetStream<NotificationRequested>(Orleans.Runtime.StreamId.Create(NotificationRequested.Namespace, user));
        const int total = InboxGrain.PageSize * 3 + 11;

        // Published without pause, each twice: the inbox stores them in batches while the stream keeps delivering.
        foreach (var i in Enumerable.Range(0, total))
        {
            await stream.OnNextAsync(Request(user, i));
            await stream.OnNextAsync(Request(user, i));
        }

        await Eventually.Until(() => All(user), stored => stored.Count >= total, TimeSpan.FromSeconds(20));

        var stored = await All(user);
        Assert.Equal(Enumerable.Range(0, total).Reverse().Select(i => $"note {i}"), stored.Select(n => n.Message));
        await Restart(user);
        Assert.Equal(stored, await All(user));
    }

    [Fact]
    public async Task Read_marks_and_deduplication_survive_a_new_activation()
    {
        var user = Guid.NewGuid().ToString("N");
        var inbox = cluster.Grains.GetGrain<IInboxGrain>(user);
        for (var i = 0; i < InboxGrain.PageSize + 3; i++)
        {
            await inbox.Receive(Request(user, i));
        }

        var all = await All(user);
        Assert.True(await inbox.MarkRead(all[^1].NotificationId)); // the oldest, on the first page
        Assert.True(await inbox.MarkRead(all[0].NotificationId)); // the newest, on the second

        await Restart(user);
        // Delivered again, from both pages: a redelivery after a crash makes nothing new.
        await inbox.Receive(Request(user, 0));
        await inbox.Receive(Request(user, InboxGrain.PageSize + 2));
        var again = await All(user);
        Assert.Equal(all.Select(n => n.NotificationId), again.Select(n => n.NotificationId));
        Assert.Equal(all.Count - 2, (await inbox.GetNotifications(true, 10_000)).Count);
        Assert.Equal(all.Count - 2, await inbox.MarkAllRead());

        await Restart(user);
        Assert.Empty(await inbox.GetNotifications(true, 10_000));
        Assert.Equal(all.Count, (await All(user)).Count);
    }
}
