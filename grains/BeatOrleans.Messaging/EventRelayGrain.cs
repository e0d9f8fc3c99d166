using BeatOrleans.Contracts.Events;
using Orleans.Concurrency;

namespace BeatOrleans.Messaging;

/// <summary>
/// A stateless worker, so a producing grain's call stays on its own silo; reentrant, so one activation carries
/// every concurrent batch and the publisher's channel pool is what bounds the concurrency.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class EventRelayGrain(EventPublisher publisher) : Grain, IEventRelayGrain
{
    public Task Publish(IReadOnlyList<IntegrationEvent> events) => publisher.Publish(events);
}
