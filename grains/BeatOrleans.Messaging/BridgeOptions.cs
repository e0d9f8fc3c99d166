namespace BeatOrleans.Messaging;

/// <summary>The bridge's settings: the <c>Messaging</c> section plus <c>ConnectionStrings:RabbitMq</c>.</summary>
public sealed class BridgeOptions
{
    public const string Section = "Messaging";

    /// <summary><c>ConnectionStrings:RabbitMq</c> (an amqp:// URI); without it the bridge is off and events stay inside the cluster.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Unacknowledged inbound messages a silo holds at once (basic.qos prefetch).</summary>
    public ushort Prefetch { get; set; } = 16;

    /// <summary>
    /// Deliveries of one inbound message before the broker dead-letters it (quorum queue <c>x-delivery-limit</c>).
    /// Fixed when the queue is first declared: changing it needs the queue deleted.
    /// </summary>
    public int DeliveryLimit { get; set; } = 5;

    /// <summary>The longest a publish may wait for the broker's confirm before it counts as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Publishing channels kept per silo; each carries one grain's batch at a time, in order.</summary>
    public int PublishChannels { get; set; } = 4;

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);
}
