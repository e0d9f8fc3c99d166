namespace BeatOrleans.Outbox;

/// <summary>How often unpublished events are tried again; bound from the <c>Outbox</c> section.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>An active grain with unconfirmed events publishes them again this often (the broker may be down).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Each silo wakes the grains of the outbox index this often, so events of a grain that died or deactivated
    /// with its outbox non-empty are published without waiting for a user to call that grain.
    /// </summary>
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromSeconds(30);
}
