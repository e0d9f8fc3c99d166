using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using RabbitMQ.Client;

namespace BeatOrleans.Messaging;

/// <summary>
/// The bridge's spans and meter. A published message carries its producer span's W3C trace context in its headers
/// (<c>traceparent</c>, <c>tracestate</c>), and handling an inbound message continues the trace its headers name,
/// so a trace crosses the broker in both directions. Without recorded spans no header is written.
/// </summary>
internal static class MessagingTelemetry
{
    public const string Name = "BeatOrleans.Messaging";

    private static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Published = Meter.CreateCounter<long>(
        "beatorleans.messaging.published", "{message}", "Messages published to RabbitMQ, by outcome: confirmed, nacked (the broker refused), timeout, failed");

    private static readonly Counter<long> Consumed = Meter.CreateCounter<long>(
        "beatorleans.messaging.consumed", "{message}", "Inbound messages, by outcome: handled, rejected (dead-lettered), requeued");

    public static Activity? StartPublish(string type, BasicProperties properties)
    {
        var activity = Source.StartActivity($"{Topology.EventsExchange} publish", ActivityKind.Producer);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("messaging.system", "rabbitmq");
        activity.SetTag("messaging.operation.type", "publish");
        activity.SetTag("messaging.destination.name", Topology.EventsExchange);
        activity.SetTag("messaging.rabbitmq.destination.routing_key", type);
        activity.SetTag("messaging.message.id", properties.MessageId);
        properties.Headers ??= new Dictionary<string, object?>();
        DistributedContextPropagator.Current.Inject(activity, properties.Headers, static (carrier, name, value) =>
        {
            if (carrier is IDictionary<string, object?> headers)
            {
                headers[name] = value;
            }
        });
        return activity;
    }

    public static Activity? StartProcess(string routingKey, IReadOnlyBasicProperties properties)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(properties.Headers, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = carrier is IDictionary<string, object?> headers && headers.TryGetValue(name, out var raw)
                ? raw switch
                {
                    byte[] bytes => Encoding.UTF8.GetString(bytes),
                    string text => text,
                    _ => null,
                }
                : null;
        }, out var traceParent, out var traceState);
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        var activity = Source.StartActivity($"{Topology.InboundQueue} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", Topology.InboundQueue);
        activity?.SetTag("messaging.rabbitmq.destination.routing_key", routingKey);
        activity?.SetTag("messaging.message.id", properties.MessageId);
        return activity;
    }

    public static void Publish(string outcome) => Published.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void Consume(string outcome) => Consumed.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
