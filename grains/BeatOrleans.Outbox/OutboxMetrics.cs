using System.Diagnostics.Metrics;

namespace BeatOrleans.Outbox;

/// <summary>The outbox backlog: events that active grains on this silo hold and the broker has not confirmed yet.</summary>
internal static class OutboxMetrics
{
    private static readonly Meter Meter = new("BeatOrleans.Outbox");

    public static readonly UpDownCounter<long> Pending = Meter.CreateUpDownCounter<long>(
        "beatorleans.outbox.pending", "{event}", "Integration events held by active grains' outboxes, not yet confirmed by RabbitMQ");
}
