namespace BeatOrleans.Contracts.Events;

/// <summary>
/// A domain asks for a notification in a user's inbox. Carried on the <see cref="StorageNames.Events"/> stream
/// provider, namespace <see cref="Namespace"/>, stream key = the user id. Delivery is at least once: the source
/// keeps it in its outbox and publishes it again until the inbox acknowledges <see cref="EventId"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("events.NotificationRequested")]
public sealed record NotificationRequested(
    [property: Id(0)] string EventId,
    [property: Id(1)] GrainId Source,
    [property: Id(2)] string UserId,
    [property: Id(3)] string Type,
    [property: Id(4)] string Message,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] string? SubjectType = null,
    [property: Id(7)] string? SubjectId = null)
{
    public const string Namespace = "notifications";
}

/// <summary>A grain that publishes events from an outbox and forgets each one once its consumer has it.</summary>
[Alias("events.IEventSource")]
public interface IEventSource : IGrain
{
    /// <summary>The consumer has durably handled this event; it leaves the outbox.</summary>
    [Alias("Acknowledge")]
    Task Acknowledge(string eventId);

    /// <summary>
    /// The consumer has durably handled these events (a batch it stored with one write); they leave the outbox.
    /// </summary>
    [Alias("AcknowledgeAll")]
    Task AcknowledgeAll(IReadOnlyList<string> eventIds);
}
