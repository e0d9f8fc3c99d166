using System.Text.Json;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Messaging;

/// <summary>What became of an inbound message.</summary>
public enum InboundOutcome
{
    /// <summary>Done (or done before: a redelivery): acknowledge.</summary>
    Handled,

    /// <summary>Can never succeed (malformed, unknown user): dead-letter at once.</summary>
    Rejected,
}

/// <summary>The inbound event types the bridge consumes, each bound to its queue by its type as routing key.</summary>
public sealed class InboundHandlers(IGrainFactory grains, TimeProvider clock)
{
    public const int MaxMessageLength = 1000;

    /// <summary>The routing keys bound to <see cref="Topology.InboundQueue"/>.</summary>
    public static readonly IReadOnlyList<string> Types = [EventTypes.NotificationRequested];

    public Task<InboundOutcome> Handle(InboundEnvelope envelope) => envelope.Type switch
    {
        EventTypes.NotificationRequested => RequestNotification(envelope),
        _ => Task.FromResult(InboundOutcome.Rejected),
    };

    /// <summary>
    /// <c>notification.requested</c> <c>{user_id, message, type?}</c>: into the user's inbox through the same path as
    /// the domains' notifications. The inbox's event-id deduplication makes a redelivery no second notification.
    /// </summary>
    private async Task<InboundOutcome> RequestNotification(InboundEnvelope envelope)
    {
        var data = envelope.Data;
        var type = data.TryGetProperty("type", out var given) && given.ValueKind == JsonValueKind.String ? given.GetString() : "system";
        if (Envelope.Text(data, "user_id") is not { Length: > 0 } userId
            || Envelope.Text(data, "message") is not { Length: > 0 and <= MaxMessageLength } message
            || type is not { Length: > 0 and <= 32 })
        {
            return InboundOutcome.Rejected;
        }

        if (await grains.GetGrain<IUserGrain>(userId).GetProfile() is null)
        {
            return InboundOutcome.Rejected;
        }

        var request = new NotificationRequested(
            $"inbound:{envelope.Id}", GrainId.Create("rabbitmq", envelope.Id), userId, type, message, envelope.OccurredAt ?? clock.GetUtcNow());
        await grains.GetGrain<IInboxGrain>(userId).Receive(request);
        return InboundOutcome.Handled;
    }
}
