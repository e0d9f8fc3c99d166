namespace BeatOrleans.Outbox;

/// <summary>
/// Whether this silo's event outboxes have anywhere to publish to. The silo's host registers it from the RabbitMQ
/// bridge's connection string (when nobody does, events are recorded). Without a broker nothing outside the cluster
/// can receive integration events, so producers record none: no outbox entries in their state, no outbox index
/// membership and no relay call for events that would only be dropped. Events an outbox stored earlier, when a broker
/// was configured, still go to the relay, which drops them while the bridge is off.
/// </summary>
/// <param name="Exists">True when events recorded now will be published.</param>
public sealed record OutboxDestination(bool Exists);
