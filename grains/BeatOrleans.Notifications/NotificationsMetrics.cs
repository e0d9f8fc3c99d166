using System.Diagnostics.Metrics;

namespace BeatOrleans.Notifications;

/// <summary>The notifications domain's meter.</summary>
internal static class NotificationsMetrics
{
    private static readonly Meter Meter = new("BeatOrleans.Notifications");

    private static readonly Counter<long> Created = Meter.CreateCounter<long>("beatorleans.notifications", "{notification}", "Notifications stored in inboxes, by type");

    public static void Stored(string type) => Created.Add(1, new KeyValuePair<string, object?>("type", type));
}
