using BeatOrleans.Contracts.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Outbox;

/// <summary>
/// The transactional outbox of one grain activation. The grain keeps the events in a list inside its own state:
/// <see cref="Record"/> adds one before the grain writes that state, so the event is durable exactly when the change
/// it reports is; <see cref="Publish"/> after the write hands them to the bridge and forgets each one only once the
/// broker confirmed it. Unconfirmed events are retried by a grain timer while the grain is active, and by the
/// silos' <see cref="OutboxSweeper"/> when it is not (crash, deactivation): a grain joins the outbox index before
/// its first event is written and leaves it only when its stored outbox is empty and it has recorded nothing for a
/// sweep period.
/// </summary>
/// <remarks>
/// A confirmed event leaves the list in memory at once but reaches storage with the grain's next write (or at
/// deactivation, or the sweep): one write per event saved on every producer's hot path, at the price of a possible
/// duplicate after a crash, which the at-least-once contract allows. Events go out in list order, one batch at a
/// time per grain, so an aggregate's events arrive in order once duplicates are dropped by id.
/// Only stored events go out: those the activation read from storage, and those recorded before a write after which
/// the grain called <see cref="Publish"/> or <see cref="PublishInBackground"/>. A publication that runs on while the
/// grain records more events and writes them (interleaving calls, the retry timer) leaves those for later, so an event
/// whose write fails is never published.
/// </remarks>
public sealed partial class EventOutbox
{
    /// <summary>Shards of the outbox index: enough to spread the index writes, few enough for a cheap sweep.</summary>
    public const int IndexShards = 8;

    /// <summary>Events per relay call.</summary>
    public const int MaxBatch = 100;

    private readonly Grain grain;
    private readonly Func<List<IntegrationEvent>> pending;
    private readonly Func<Task> persist;
    private readonly IGrainFactory grains;
    private readonly OutboxOptions options;
    private readonly ILogger<EventOutbox> logger;
    private readonly TimeProvider clock;
    private readonly bool recording;
    private DateTimeOffset lastRecorded = DateTimeOffset.MinValue;
    private IGrainTimer? retry;
    private bool enrolled;
    private bool storedHasConfirmed;
    private Task? publishing;
    private int counted;

    /// <summary>Events of the list known to be stored (by reference: two events may be equal).</summary>
    private readonly HashSet<IntegrationEvent> stored = new(ReferenceEqualityComparer.Instance);

    /// <param name="grain">The owner; it implements <see cref="IOutboxOwner"/> by calling <see cref="Sweep"/>.</param>
    /// <param name="pending">The list inside the grain's state (read on every use: the grain may replace its state object).</param>
    /// <param name="persist">Writes the grain's state.</param>
    public EventOutbox(Grain grain, Func<List<IntegrationEvent>> pending, Func<Task> persist)
    {
        this.grain = grain;
        this.pending = pending;
        this.persist = persist;
        var services = grain.GrainContext.ActivationServices;
        grains = services.GetRequiredService<IGrainFactory>();
        options = services.GetRequiredService<IOptions<OutboxOptions>>().Value;
        logger = services.GetRequiredService<ILogger<EventOutbox>>();
        clock = services.GetRequiredService<TimeProvider>();
        recording = services.GetRequiredService<OutboxDestination>().Exists;
        // What the activation read is stored.
        stored.UnionWith(pending());
        // A stored outbox that is not empty means the grain joined the index before writing (unless that join failed:
        // then this activation publishes them, and a sweep never needs to).
        enrolled = pending().Count > 0;
        Count();
        if (enrolled)
        {
            StartRetry(TimeSpan.Zero);
        }
    }

    private GrainId Owner => grain.GetGrainId();

    private IOutboxIndexGrain Index => grains.GetGrain<IOutboxIndexGrain>(Owner.GetUniformHashCode() % IndexShards);

    /// <summary>
    /// Adds an event to the outbox; call it before the state write that makes the change durable. Records nothing
    /// when the silo has no destination for events (<see cref="OutboxDestination"/>: the RabbitMQ bridge is off).
    /// </summary>
    public async Task Record(IntegrationEvent integrationEvent)
    {
        if (!recording)
        {
            return;
        }

        await TryEnroll();
        lastRecorded = clock.GetUtcNow();
        pending().Add(integrationEvent);
        Count();
    }

    /// <summary>
    /// Publishes the outbox without holding the caller; call it after the state write that stored the events. The
    /// change and its events are durable by then, so the request is answered: the broker's confirm is no part of the
    /// answer. A broker that is up but does not confirm (a memory or disk alarm blocks its publishers) would otherwise
    /// hold every request that produces an event for up to <c>Messaging:PublishTimeout</c>, and a client with a shorter
    /// timeout would be told of a failure for a change that was made. A failure stays for the retry timer.
    /// </summary>
    public void PublishInBackground() => _ = Publish();

    /// <summary>
    /// Publishes the outbox; call it after the state write that stored every event recorded so far (never while
    /// another call's write of this state may be in flight). A failure leaves the events for the retry timer. One
    /// publication runs at a time: a call while one runs joins it (it also takes the events stored meanwhile),
    /// so a grain whose calls interleave never sends an event twice or drops the wrong ones from the list.
    /// </summary>
    public Task Publish()
    {
        stored.UnionWith(pending());
        return PublishStored();
    }

    /// <summary>
    /// Forgets events recorded for a write that failed, so that they are neither published nor stored by a later
    /// write of this activation.
    /// </summary>
    public void Discard(IReadOnlyCollection<IntegrationEvent> unstored)
    {
        var forget = new HashSet<IntegrationEvent>(unstored, ReferenceEqualityComparer.Instance);
        pending().RemoveAll(forget.Contains);
        stored.ExceptWith(forget);
        Count();
    }

    /// <summary>
    /// Joins the outbox index, once per activation. An index shard whose silo is gone (crashed, not yet declared dead)
    /// must not fail the change that records the event: the event is stored with it all the same and this activation
    /// publishes it (its retry timer tries to join again). Only if the grain then also crashes before joining do its
    /// stored events wait for its next activation instead of the sweeper.
    /// </summary>
    private async Task TryEnroll()
    {
        if (enrolled)
        {
            return;
        }

        try
        {
            // A shard on a silo whose address vanished answers only at the response timeout: the change waits 2 s.
            await Index.Enroll(Owner).WaitAsync(TimeSpan.FromSeconds(2));
            enrolled = true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogEnrollFailed(logger, exception, Owner);
        }
    }

    private Task PublishStored()
    {
        if (publishing is { IsCompleted: false })
        {
            return publishing;
        }

        return publishing = PublishPending();
    }

    private async Task PublishPending()
    {
        while (true)
        {
            // Stored events come first in the list: those recorded after them wait for the write that stores them.
            // A backlog after an outage goes out in batches, each confirmed well within the publish timeout.
            var batch = pending().TakeWhile(stored.Contains).Take(MaxBatch).ToList();
            if (batch.Count == 0)
            {
                break;
            }

            try
            {
                await grains.GetGrain<IEventRelayGrain>(0).Publish(batch);
                // By reference: events recorded or discarded meanwhile leave the confirmed ones where they are.
                var confirmed = new HashSet<IntegrationEvent>(batch, ReferenceEqualityComparer.Instance);
                pending().RemoveAll(confirmed.Contains);
                stored.ExceptWith(confirmed);
                storedHasConfirmed = true;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogPublishFailed(logger, exception, pending().Count, Owner);
                break;
            }
        }

        Count();
        var events = pending();
        if (events.Count == 0)
        {
            retry?.Dispose();
            retry = null;
        }
        else
        {
            StartRetry(options.RetryPeriod);
        }
    }

    /// <summary>For <see cref="IOutboxOwner.FlushOutbox"/>: publishes, and once nothing is left, stores that and leaves the index.</summary>
    public async Task Sweep()
    {
        // Never wait on the broker here: the sweep is a call to the grain, and a broker that does not confirm (an
        // alarm) would hold the grain, and every request to it, for up to the publish timeout. What is left goes out
        // in the background; a later sweep finds the outbox empty and takes the grain out of the index.
        if (publishing is { IsCompleted: false })
        {
            return;
        }

        if (pending().Count > 0)
        {
            // A sweep is a call of its own: no write of this state is in flight meanwhile (the grain is not reentrant,
            // or holds its write gate for it), and an activation whose write failed refuses calls. So all the outbox
            // holds is stored, also an event whose writer never reached its Publish (a later step of its call failed).
            _ = Publish();
            return;
        }

        // A producer that recorded an event within the last sweep period stays: it is likely to record more, and
        // leaving and joining again would cost its index shard two writes of the whole member set each time.
        if (enrolled && clock.GetUtcNow() - lastRecorded < options.SweepPeriod)
        {
            return;
        }

        // Only the sweeper calls this, so the grain is a member even when this activation never enrolled (it may
        // have been woken by the sweep after a deactivation that stored an empty outbox): leave in every case.

        await Persisted();
        await Index.Drop(Owner);
        enrolled = false;
    }

    /// <summary>
    /// For <c>OnDeactivateAsync</c>: lets a publication in flight end, then stores the removal of confirmed events
    /// the state still holds.
    /// </summary>
    public async Task Persisted()
    {
        if (publishing is { IsCompleted: false })
        {
            await publishing;
        }

        Deactivated();
        if (!storedHasConfirmed)
        {
            return;
        }

        storedHasConfirmed = false;
        await persist();
    }

    /// <summary>
    /// For <c>OnDeactivateAsync</c> when the grain stores its state itself instead of calling <see cref="Persisted"/>:
    /// the activation ends, and what it still holds is counted again by the next one (or by another silo's), so its
    /// share of <see cref="OutboxMetrics.Pending"/> goes (else the gauge would count those events twice for ever).
    /// </summary>
    public void Deactivated()
    {
        OutboxMetrics.Pending.Add(-counted);
        counted = 0;
    }

    /// <summary>Brings this outbox's share of <see cref="OutboxMetrics.Pending"/> up to date.</summary>
    private void Count()
    {
        var delta = pending().Count - counted;
        if (delta != 0)
        {
            OutboxMetrics.Pending.Add(delta);
            counted += delta;
        }
    }

    private void StartRetry(TimeSpan dueTime) => retry ??= grain.RegisterGrainTimer(
        static async (outbox, _) =>
        {
            await outbox.TryEnroll();
            await outbox.PublishStored();
        },
        this,
        new GrainTimerCreationOptions(dueTime, options.RetryPeriod) { KeepAlive = false });

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Owner} could not join the outbox index; its events are published all the same")]
    private static partial void LogEnrollFailed(ILogger logger, Exception exception, GrainId owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} outbox event(s) of {Owner} failed; retrying")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count, GrainId owner);
}
