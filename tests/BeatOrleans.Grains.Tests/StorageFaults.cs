using System.Collections.Concurrent;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Outbox;
using Orleans.Storage;

namespace BeatOrleans.Grains.Tests;

/// <summary>
/// Storage and broker faults at the grain-call boundary of the test cluster's real components: the memory storage
/// grain refuses the writes of one grain (nothing is stored), and the event relay answers slowly while it records
/// what it was handed.
/// </summary>
public static class StorageFaults
{
    private static volatile string? failingKey;
    private static volatile string? sparedKey;
    private static TimeSpan writeDelay;
    private static volatile bool refuseEnrolls;
    private static volatile string? slowAggregate;
    private static TimeSpan relayDelay;
    private static volatile WriteCounter? counter;

    /// <summary>Events handed to the relay for the aggregate set by <see cref="SlowRelay"/>.</summary>
    public static ConcurrentQueue<IntegrationEvent> Relayed { get; } = new();

    /// <summary>
    /// Every write whose storage key contains <paramref name="key"/> (and not <paramref name="except"/>) fails, after
    /// <paramref name="delay"/>, until the returned outage is disposed.
    /// </summary>
    public static IDisposable FailWrites(string key, TimeSpan delay = default, string? except = null)
    {
        writeDelay = delay;
        sparedKey = except;
        failingKey = key;
        return new Outage(() => failingKey = null);
    }

    /// <summary>
    /// Counts the writes whose storage key contains <paramref name="key"/> until the counter is disposed; each takes
    /// <paramref name="delay"/> more, as a write to a remote store would.
    /// </summary>
    public static WriteCounter CountWrites(string key, TimeSpan delay = default) =>
        counter = new WriteCounter(key, delay, () => counter = null);

    /// <summary>The outbox index refuses every grain that asks to join (its silo is unreachable).</summary>
    public static IDisposable RefuseEnrolls()
    {
        refuseEnrolls = true;
        return new Outage(() => refuseEnrolls = false);
    }

    /// <summary>The relay takes <paramref name="delay"/> to confirm one aggregate's events, and records them.</summary>
    public static IDisposable SlowRelay(string aggregateId, TimeSpan delay)
    {
        relayDelay = delay;
        slowAggregate = aggregateId;
        return new Outage(() => slowAggregate = null);
    }

    internal static async Task Apply(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        if (failingKey is { } key && method.DeclaringType == typeof(IMemoryStorageGrain)
            && method.Name == nameof(IMemoryStorageGrain.WriteStateAsync)
            && context.Request.GetArgument(0) is string stored && stored.Contains(key, StringComparison.Ordinal)
            && (sparedKey is not { } spared || !stored.Contains(spared, StringComparison.Ordinal)))
        {
            if (writeDelay > TimeSpan.Zero)
            {
                await Task.Delay(writeDelay);
            }

            throw new InvalidOperationException($"The store refused the write of {stored} (test fault).");
        }

        if (counter is { } count && method.DeclaringType == typeof(IMemoryStorageGrain)
            && method.Name == nameof(IMemoryStorageGrain.WriteStateAsync)
            && context.Request.GetArgument(0) is string written && written.Contains(count.Key, StringComparison.Ordinal))
        {
            count.Add();
            if (count.Delay > TimeSpan.Zero)
            {
                await Task.Delay(count.Delay);
            }
        }

        if (refuseEnrolls && method.DeclaringType == typeof(IOutboxIndexGrain)
            && method.Name == nameof(IOutboxIndexGrain.Enroll))
        {
            throw new TimeoutException("The outbox index did not answer (test fault).");
        }

        if (slowAggregate is { } aggregate && method.DeclaringType == typeof(IEventRelayGrain)
            && context.Request.GetArgument(0) is IReadOnlyList<IntegrationEvent> events
            && events.Any(e => e.AggregateId == aggregate))
        {
            foreach (var e in events.Where(e => e.AggregateId == aggregate))
            {
                Relayed.Enqueue(e);
            }

            await Task.Delay(relayDelay);
        }

        await context.Invoke();
    }

    private sealed class Outage(Action end) : IDisposable
    {
        public void Dispose() => end();
    }

    public sealed class WriteCounter(string key, TimeSpan delay, Action end) : IDisposable
    {
        private int writes;

        public string Key { get; } = key;

        public TimeSpan Delay { get; } = delay;

        public int Writes => Volatile.Read(ref writes);

        internal void Add() => Interlocked.Increment(ref writes);

        public void Dispose() => end();
    }
}
