using RabbitMQ.Client;

namespace BeatOrleans.Messaging;

/// <summary>The exchanges and queues the bridge declares on every connection (declarations are idempotent).</summary>
public static class Topology
{
    /// <summary>Outbound domain events, routing key = event type.</summary>
    public const string EventsExchange = "beatorleans.events";

    /// <summary>External events for the marketplace, routing key = event type.</summary>
    public const string InboundExchange = "beatorleans.inbound";

    public const string InboundQueue = "beatorleans.inbound";

    public const string DeadLetterExchange = "beatorleans.inbound.dead-letter";

    public const string DeadLetterQueue = "beatorleans.inbound.dead-letter";

    /// <summary>
    /// Quorum queues, though the broker is one node: they are RabbitMQ's durable queue type (Raft log, fsynced
    /// before the confirm), and only they count deliveries and dead-letter a message past <c>x-delivery-limit</c>,
    /// which turns a message that keeps failing into a dead letter instead of a loop.
    /// </summary>
    public static async Task Declare(IChannel channel, BridgeOptions options, IEnumerable<string> inboundTypes, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(EventsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(InboundExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, "", cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(InboundQueue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = options.DeliveryLimit,
            ["x-dead-letter-exchange"] = DeadLetterExchange,
        }, cancellationToken: cancellationToken);
        foreach (var type in inboundTypes)
        {
            await channel.QueueBindAsync(InboundQueue, InboundExchange, type, cancellationToken: cancellationToken);
        }
    }
}
