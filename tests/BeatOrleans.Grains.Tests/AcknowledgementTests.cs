using System.Collections.Concurrent;
using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Testing;
using Orleans.Streams;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class AcknowledgementTests(GrainCluster cluster)
{
    [Fact]
    public async Task An_inbox_acknowledges_a_burst_from_one_source_in_a_few_calls_and_every_event_once_stored()
    {
        var user = Guid.NewGuid().ToString("N");
        var source = cluster.Grains.GetGrain<IRecordingSource>(Guid.NewGuid().ToString("N"));
        var stream = cluster.Client.GetStreamProvider(StorageNames.Events)
            .GetStream<NotificationRequested>(StreamId.Create(NotificationRequested.Namespace, user));
        var events = Enumerable.Range(0, 120)
            .Select(i => new NotificationRequested(
                $"evt-{user}-{i}", source.GetGrainId(), user, "message", $"note {i}", DateTimeOffset.UtcNow))
            .ToList();

        // Published without pause: the inbox stores them in batches while the stream keeps delivering.
        foreach (var notification in events)
        {
            await stream.OnNextAsync(notification);
        }

        var calls = await Eventually.Until(
            source.Calls, c => c.Sum(call => call.Count) >= events.Count, TimeSpan.FromSeconds(20));

        Assert.Equal(events.Select(e => e.EventId).Order(), calls.SelectMany(call => call).Order());
        var inbox = cluster.Grains.GetGrain<IInboxGrain>(user);
        Assert.Equal(events.Count, (await inbox.GetNotifications(false, 1_000)).Count);
        // One acknowledgement per stored batch, not one per event.
        Assert.True(calls.Count < events.Count / 2, $"{calls.Count} acknowledgement calls for {events.Count} events");
    }
}

/// <summary>An event source that records the acknowledgements it gets, one entry per call.</summary>
[Alias("tests.IRecordingSource")]
public interface IRecordingSource : IEventSource, IGrainWithStringKey
{
    [Alias("Calls")]
    Task<IReadOnlyList<IReadOnlyList<string>>> Calls();
}

public sealed class RecordingSource : Grain, IRecordingSource
{
    private readonly ConcurrentQueue<IReadOnlyList<string>> calls = new();

    public Task Acknowledge(string eventId)
    {
        calls.Enqueue([eventId]);
        return Task.CompletedTask;
    }

    public Task AcknowledgeAll(IReadOnlyList<string> eventIds)
    {
        calls.Enqueue([.. eventIds]);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IReadOnlyList<string>>> Calls() =>
        Task.FromResult<IReadOnlyList<IReadOnlyList<string>>>([.. calls]);
}
