using System.Collections.Concurrent;
using System.Diagnostics;
using BeatOrleans.Contracts.Events;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BeatOrleans.Messaging;

/// <summary>
/// Publishes to <see cref="Topology.EventsExchange"/> as persistent messages on channels with publisher confirms:
/// a publish returns when the broker has the message (for a durable queue: on disk), and throws on a nack, a
/// closed connection or the <see cref="BridgeOptions.PublishTimeout"/>. A batch runs on one channel, in order.
/// </summary>
public sealed class EventPublisher(BrokerConnection broker, IOptions<BridgeOptions> options) : IAsyncDisposable
{
    private static readonly CreateChannelOptions Confirmed = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
    private readonly ConcurrentBag<IChannel> idle = [];
    private readonly SemaphoreSlim channels = new(options.Value.PublishChannels, options.Value.PublishChannels);

    public async Task Publish(IReadOnlyList<IntegrationEvent> events)
    {
        if (!broker.Enabled || events.Count == 0)
        {
            // The bridge is off: events stay inside the cluster, and outboxes must not grow for a broker that is not there.
            return;
        }

        using var timeout = new CancellationTokenSource(options.Value.PublishTimeout);
        await channels.WaitAsync(timeout.Token);
        IChannel? channel = null;
        try
        {
            channel = await Rent(timeout.Token);
            foreach (var integrationEvent in events)
            {
                var properties = new BasicProperties
                {
                    Persistent = true,
                    MessageId = integrationEvent.Id,
                    Type = integrationEvent.Type,
                    ContentType = "application/json",
                    Timestamp = new AmqpTimestamp(integrationEvent.OccurredAt.ToUnixTimeSeconds()),
                };
                using var activity = MessagingTelemetry.StartPublish(integrationEvent.Type, properties);
                try
                {
                    await channel.BasicPublishAsync(Topology.EventsExchange, integrationEvent.Type, mandatory: false, properties, Envelope.Serialize(integrationEvent), timeout.Token);
                    MessagingTelemetry.Publish("confirmed");
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    MessagingTelemetry.Publish(exception switch
                    {
                        PublishException => "nacked",
                        OperationCanceledException when timeout.IsCancellationRequested => "timeout",
                        _ => "failed",
                    });
                    activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                    throw;
                }
            }

            idle.Add(channel);
            channel = null;
        }
        catch (OperationCanceledException exception) when (timeout.IsCancellationRequested)
        {
            throw new BrokerUnavailableException("RabbitMQ did not confirm in time", exception);
        }
        finally
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            channels.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (idle.TryTake(out var channel))
        {
            await channel.DisposeAsync();
        }

        channels.Dispose();
    }

    private async Task<IChannel> Rent(CancellationToken cancellationToken)
    {
        while (idle.TryTake(out var channel))
        {
            if (channel.IsOpen)
            {
                return channel;
            }

            await channel.DisposeAsync();
        }

        var connection = await broker.Open(cancellationToken);
        return await connection.CreateChannelAsync(Confirmed, cancellationToken);
    }
}
