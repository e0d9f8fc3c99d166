using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;

namespace BeatOrleans.Notifications;

[GenerateSerializer, Alias("notifications.InboxState")]
public sealed class InboxState
{
    /// <summary>Oldest first.</summary>
    [Id(0)] public List<Notification> Notifications { get; set; } = [];

    /// <summary>Ids of events already turned into notifications, oldest first: a redelivered event makes no second one.</summary>
    [Id(1)] public List<string> DeliveredEvents { get; set; } = [];

    /// <summary>Integration events written with the notification that caused them, until the broker confirms them.</summary>
    [Id(2)] public List<IntegrationEvent> Events { get; set; } = [];
}
