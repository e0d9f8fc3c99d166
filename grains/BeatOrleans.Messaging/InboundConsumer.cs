using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BeatOrleans.Messaging;

/// <summary>
/// Consumes <see cref="Topology.InboundQueue"/> on every silo (competing consumers), with manual acknowledgements
/// and a bounded prefetch. A message is acknowledged only after its effect is stored; one that can never succeed is
/// rejected to the dead-letter queue; one whose handling failed is returned, and the quorum queue dead-letters it
/// after <see cref="BridgeOptions.DeliveryLimit"/> deliveries. A lost connection opens a new channel: the loop
/// outlives any one message and any broker outage.
/// </summary>
public sealed partial class InboundConsumer(
    BrokerConnection broker,
    InboundHandlers handlers,
    IHostApplicationLifetime lifetime,
    IOptions<BridgeOptions> options,
    TimeProvider clock,
    ILogger<InboundConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!broker.Enabled)
        {
            LogBridgeOff(logger);
            return;
        }

        try
        {
            // Handlers call grains: the silo starts with the host.
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStarted.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilClosed(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogConsumerRestart(logger, exception.Message);
            }

            await Task.Delay(RetryPause, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ConsumeUntilClosed(CancellationToken stoppingToken)
    {
        var connection = await broker.Open(stoppingToken);
        var prefetch = options.Value.Prefetch;
        // One handler at a time per silo (the client's default dispatch): inbound messages are handled in queue order,
        // while the prefetch keeps the next ones on hand.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, _) =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await channel.BasicQosAsync(0, prefetch, global: false, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => Deliver(channel, delivery, stoppingToken);
        await channel.BasicConsumeAsync(Topology.InboundQueue, autoAck: false, consumer, stoppingToken);
        LogConsuming(logger, Topology.InboundQueue, prefetch);
        await closed.Task.WaitAsync(stoppingToken);
    }

    private async Task Deliver(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        using var activity = MessagingTelemetry.StartProcess(delivery.RoutingKey, delivery.BasicProperties);
        var envelope = Envelope.Parse(delivery.Body);
        try
        {
            var outcome = envelope is null ? InboundOutcome.Rejected : await handlers.Handle(envelope);
            if (outcome == InboundOutcome.Handled)
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stoppingToken);
                MessagingTelemetry.Consume("handled");
            }
            else
            {
                MessagingTelemetry.Consume("rejected");
                LogRejected(logger, delivery.RoutingKey, envelope?.Id ?? "(no envelope)");
                await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, stoppingToken);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException && !channel.IsClosed)
        {
            // Most likely passing (a domain's silos unavailable): back to the queue, which counts the delivery.
            LogHandlingFailed(logger, exception, delivery.RoutingKey, envelope?.Id ?? "(no envelope)");
            MessagingTelemetry.Consume("requeued");
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RabbitMQ bridge off (no ConnectionStrings:RabbitMq): events stay inside the cluster")]
    private static partial void LogBridgeOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} with prefetch {Prefetch}")]
    private static partial void LogConsuming(ILogger logger, string queue, ushort prefetch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound consumer stopped ({Reason}); reconnecting")]
    private static partial void LogConsumerRestart(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound {Type} message {Id} can never be handled: dead-lettered")]
    private static partial void LogRejected(ILogger logger, string type, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling inbound {Type} message {Id} failed; returned to the queue")]
    private static partial void LogHandlingFailed(ILogger logger, Exception exception, string type, string id);
}
