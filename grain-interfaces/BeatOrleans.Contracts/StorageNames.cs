namespace BeatOrleans.Contracts;

/// <summary>The named grain-state providers every host maps to a concrete store.</summary>
public static class StorageNames
{
    /// <summary>Durable records: users, beats, purchases (PostgreSQL in the cluster, SQLite embedded).</summary>
    public const string Documents = "documents";

    /// <summary>Fast-changing state: sessions, chat, notifications (Redis in the cluster, SQLite embedded).</summary>
    public const string Realtime = "realtime";

    /// <summary>Orleans' own name for the store of stream subscriptions.</summary>
    public const string PubSub = "PubSubStore";

    /// <summary>The stream provider carrying domain events between grains.</summary>
    public const string Events = "events";
}

/// <summary>Keys of the <see cref="TimeProvider"/>s grains take besides the system's.</summary>
public static class Clocks
{
    /// <summary>The clock of the market: purchase holds and payment windows (tests move it; Orleans' own timers never see it).</summary>
    public const string Market = "market";
}
