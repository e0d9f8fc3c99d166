namespace BeatOrleans.Outbox;

/// <summary>One shard of the set of grains that may hold unpublished events, so nobody has to wait for them to wake up.</summary>
[Alias("events.IOutboxIndexGrain")]
internal interface IOutboxIndexGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Adds a grain before it first writes an event into its state; answers once storage holds it. Enrolments
    /// that arrive during a write are stored together by the next one (the shard is reentrant).
    /// </summary>
    [Alias("Enroll")]
    Task Enroll(GrainId owner);

    /// <summary>Removes a grain whose stored outbox is empty; stored with the next write (a lost removal costs a wake-up).</summary>
    [Alias("Drop")]
    Task Drop(GrainId owner);

    /// <summary>The members to flush, or none when another silo swept this shard within <paramref name="period"/>.</summary>
    [Alias("Claim")]
    Task<IReadOnlyList<GrainId>> Claim(TimeSpan period);
}
