namespace BeatOrleans.Contracts.Events;

/// <summary>
/// A domain event for the world outside the cluster, as the RabbitMQ bridge publishes it on the topic exchange
/// <c>beatorleans.events</c> with <see cref="Type"/> as routing key (docs/EVENTS.md). The producing grain records it
/// in its own state in the same write as the change it reports; <see cref="Id"/> is stable across retries, so
/// consumers deduplicate on it.
/// </summary>
/// <param name="Data">The type's payload, already snake_case JSON (the schema per type is in docs/EVENTS.md).</param>
[GenerateSerializer, Immutable, Alias("events.IntegrationEvent")]
public sealed record IntegrationEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string AggregateId,
    [property: Id(4)] string Data);

/// <summary>The bridge's publishing side, one stateless worker per silo; domains reach the broker only through it.</summary>
[Alias("events.IEventRelayGrain")]
public interface IEventRelayGrain : IGrainWithIntegerKey
{
    /// <summary>Publishes the events in order and returns only once the broker has confirmed every one; throws otherwise.</summary>
    [Alias("Publish")]
    Task Publish(IReadOnlyList<IntegrationEvent> events);
}

/// <summary>A grain that keeps integration events in an outbox in its state; the outbox sweeper calls it after a restart.</summary>
[Alias("events.IOutboxOwner")]
public interface IOutboxOwner : IGrain
{
    /// <summary>Publishes what the outbox still holds; once it is empty the grain leaves the outbox index.</summary>
    [Alias("FlushOutbox")]
    Task FlushOutbox();
}
