using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Notifications;
using BeatOrleans.Contracts.Purchasing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using BeatOrleans.Outbox;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Catalog.Listings;
using BeatOrleans.Catalog.Media;

namespace BeatOrleans.Catalog.Beats;

/// <summary>
/// The single writer of a beat. Work that must happen after a state change (processing the master, updating the
/// catalogue, notifying the producer) is published at once and retried until it is acknowledged, so a lost stream event
/// or a crashed silo delays it but never loses it. Retries of processing and listing (the beat's own domain) are direct
/// calls, so they do not depend on the stream that lost the first attempt; the producer's notification goes to another
/// domain and is published again. The reminder exists only while such work is pending.
/// </summary>
internal sealed partial class BeatGrain(
    [PersistentState("beat", StorageNames.Documents)] IPersistentState<BeatState> beat,
    IOptions<CatalogOptions> options,
    TimeProvider clock,
    [FromKeyedServices(Clocks.Market)] TimeProvider market,
    IBlobStore blobs,
    ILogger<BeatGrain> logger) : Grain, IBeatGrain, IEventSource, IRemindable, IOutboxOwner
{
    private const string SyncReminder = "sync";

    /// <summary>Play ids already counted by this activation; a stream URL's range requests share one id.</summary>
    private readonly HashSet<string> countedPlays = [];

    private PlayCounter? playCounter;
    private IGrainTimer? playsListingTimer;

    /// <summary>Plays counted since the last write: stored by the plays timer, with any other write, or at deactivation.</summary>
    private bool playsUnsaved;
    private IGrainTimer? retryTimer;

    /// <summary>Registering a reminder writes the reminder table: once per activation while work is pending is enough.</summary>
    private bool syncRegistered;
    private EventOutbox events = null!;
    private NotificationOutbox notifications = null!;

    private string BeatId => this.GetPrimaryKeyString();

    private BeatState State => beat.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        events = new EventOutbox(this, () => State.Events, () => beat.WriteStateAsync());
        notifications = new NotificationOutbox(this, () => State.Notifications, options.Value.RetryPeriod);
        if (HasPendingWork())
        {
            StartRetry();
        }

        // Replaced covers waiting: their reminder may have been lost (a failed registration); it is cheap to renew.
        if (State.FilesToRemoveLater.Count > 0)
        {
            await EnsureReminder();
        }
    }

    /// <summary>One write stores both the acknowledgements and the removal of confirmed events.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (notifications.Unsaved || playsUnsaved)
        {
            await Write();
            events.Deactivated();
        }
        else
        {
            await events.Persisted();
        }
    }

    public Task FlushOutbox() => events.Sweep();

    public async Task<Beat?> Create(BeatDraft draft)
    {
        if (State.Beat is { } existing)
        {
            if (State.Deleted)
            {
                // The upload that made the beat was claimed again after its deletion (the JSON upload's beat id
                // follows from its upload): the files just stored for it belong to nothing and go too.
                IEnumerable<StoredFile?> stored = [draft.Master, draft.Stems];
                State.FilesToRemove = [.. State.FilesToRemove.Union(stored.OfType<StoredFile>().Select(f => f.Key))];
                await Write();
                await RemoveFiles();
                return null;
            }

            return existing;
        }

        // Listed among the producer's beats first: a beat the list names but that was never created is skipped there,
        // while a beat created but not listed would be missing from its producer's studio.
        var createdAt = clock.GetUtcNow();
        await GrainFactory.GetGrain<IProducerGrain>(draft.ProducerId).AddBeat(BeatId, createdAt);
        var created = State.Beat = new Beat(
            BeatId: BeatId,
            ProducerId: draft.ProducerId,
            Title: draft.Title,
            Artist: draft.Artist,
            Genre: draft.Genre,
            Bpm: draft.Bpm,
            Key: draft.Key,
            Tags: draft.Tags,
            Licenses: draft.Licenses,
            Status: BeatStatus.Processing,
            FailureReason: null,
            DurationSeconds: null,
            Plays: 0,
            CreatedAt: createdAt,
            Master: draft.Master,
            Stems: draft.Stems,
            PreviewKey: null);
        State.Bought = false;
        await Commit(IntegrationEvents.Create($"{BeatId}.uploaded", EventTypes.BeatUploaded, BeatId, created.CreatedAt,
            new BeatUploadedData(BeatId, created.ProducerId, created.Title, created.Artist, draft.Master.Format, draft.Master.Bytes, created.CreatedAt)));
        await RequestProcessing();
        CatalogTelemetry.Uploaded();
        return State.Beat;
    }

    public Task<Beat?> GetBeat() => Task.FromResult(State.Deleted ? null : State.Beat);

    public Task<IReadOnlyList<float>?> GetPeaks() => Task.FromResult(State.Deleted ? null : State.Media?.Peaks);

    public async Task<DeleteOutcome> Delete(string callerId)
    {
        if (State.Beat is not { } current || State.Deleted)
        {
            return DeleteOutcome.NotFound;
        }

        if (current.ProducerId != callerId)
        {
            return DeleteOutcome.NotProducer;
        }

        State.Deleted = true;
        // No sale can complete once the beat is deleted (CompleteSale refuses), so what buyers hold is known now.
        // Replaced covers still served for a while go now too.
        State.FilesToRemove = [.. State.FilesToRemove.Union(FilesNoBuyerNeeds()).Union(State.FilesToRemoveLater.Keys)];
        State.FilesToRemoveLater.Clear();
        var now = clock.GetUtcNow();
        await Commit(IntegrationEvents.Create($"{BeatId}.deleted", EventTypes.BeatDeleted, BeatId, now, new BeatDeletedData(BeatId, current.ProducerId, now)),
            relist: true);
        await RemoveFiles();
        try
        {
            await GrainFactory.GetGrain<IProducerGrain>(current.ProducerId).RemoveBeat(BeatId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The list skips deleted beats anyway; it only keeps one entry more.
            LogUnlistFailed(logger, exception, BeatId);
        }

        return DeleteOutcome.Deleted;
    }

    /// <summary>
    /// The beat's files less the deliverables a licence gives (MP3, WAV, stems), which stay while it has buyers: their
    /// purchases name those keys. The master and the tagged preview are served to no one once the beat is deleted.
    /// </summary>
    private IEnumerable<string> FilesNoBuyerNeeds()
    {
        var b = State.Beat!;
        var media = State.Media;
        IEnumerable<StoredFile?> all = [b.Master, b.Stems, media?.Preview, media?.Mp3, media?.Wav];
        IEnumerable<string> cover = b.Cover is { } version ? BlobKeys.CoverFiles(BeatId, version) : [];
        // What the tiers sold deliver (every deliverable when the tiers sold are unknown: sold before they were kept).
        HashSet<string> delivered = State.Bought == false ? []
            : State.SoldTiers is { } tiers
                ? [.. tiers.SelectMany(t => LicenseCatalog.For(t, hasStems: true).Deliverables)]
                : [Deliverables.Mp3, Deliverables.Wav, Deliverables.Stems];
        IEnumerable<StoredFile?> kept =
        [
            delivered.Contains(Deliverables.Mp3) ? media?.Mp3 : null,
            delivered.Contains(Deliverables.Wav) ? media?.Wav : null,
            delivered.Contains(Deliverables.Stems) ? b.Stems : null,
        ];
        var keep = kept.OfType<StoredFile>().Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        // Stems the producer replaced: a buyer of a tier with stems may have been sold them, so they stay with such a
        // sale.
        IEnumerable<string> former = delivered.Contains(Deliverables.Stems) ? [] : State.FormerStems;
        return all.OfType<StoredFile>().Select(f => f.Key).Concat(former).Concat(cover)
            .Where(key => !keep.Contains(key))
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>Removes the files <see cref="BeatState.FilesToRemove"/> lists; a failure is tried again.</summary>
    private async Task RemoveFiles()
    {
        var removed = 0;
        foreach (var key in State.FilesToRemove.ToList())
        {
            try
            {
                await blobs.Delete(key, CancellationToken.None);
                State.FilesToRemove.Remove(key);
                removed++;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogRemoveFailed(logger, exception, BeatId, key);
            }
        }

        if (removed > 0)
        {
            await Write();
        }

        if (State.FilesToRemove.Count > 0)
        {
            await EnsureSync();
        }
    }

    public Task RecordPlay(string playId, string listener, string address)
    {
        if (State.Beat is not { Status: BeatStatus.Ready } current || State.Deleted || !countedPlays.Add(playId)
            || !CountsAsNewPlay(listener, address))
        {
            return Task.CompletedTask;
        }

        if (countedPlays.Count > 10_000)
        {
            // Stream URLs live minutes; ids older than this activation's last 10k plays cannot come back in time.
            countedPlays.Clear();
            countedPlays.Add(playId);
        }

        // Counted in memory and stored once per burst with the listing's update (or with any other write, or at
        // deactivation): a popular beat's previews must not queue a write of the whole beat each, ahead of its page
        // views and its sales. A crashed silo loses at most the plays of the last PlaysListingDelay.
        State.Beat = current with { Plays = current.Plays + 1 };
        playsUnsaved = true;
        playsListingTimer ??= this.RegisterGrainTimer(
            static async (grain, _) => await grain.RefreshListingAfterPlays(),
            this,
            new GrainTimerCreationOptions(options.Value.PlaysListingDelay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task<bool> BeginProcessing()
    {
        if (State.Beat is not { Status: BeatStatus.Processing } || State.Deleted)
        {
            return false;
        }

        if (State.Attempts >= options.Value.MaxProcessingAttempts)
        {
            await Fail($"Processing did not finish after {State.Attempts} attempts.");
            return false;
        }

        State.Attempts++;
        await Commit();
        LogAttempt(logger, BeatId, State.Attempts);
        return true;
    }

    public async Task CompleteProcessing(BeatMedia media)
    {
        if (State.Beat is not { Status: BeatStatus.Processing } current)
        {
            return;
        }

        if (State.Deleted)
        {
            // Deleted while FFmpeg worked: nothing was or will be sold, so its output goes too.
            State.Beat = current with { Status = BeatStatus.Failed, FailureReason = "The beat was deleted." };
            State.FilesToRemove = [.. State.FilesToRemove.Union([media.Preview.Key, media.Mp3.Key, media.Wav.Key])];
            await Commit();
            await RemoveFiles();
            return;
        }

        State.Media = media;
        var b = State.Beat = current with { Status = BeatStatus.Ready, DurationSeconds = media.DurationSeconds, PreviewKey = media.Preview.Key };
        var ready = new NotificationRequested($"beat-ready:{BeatId}", this.GetGrainId(), current.ProducerId, "beat_ready",
            $"Your beat \"{current.Title}\" is ready and listed in the catalogue.", clock.GetUtcNow(),
            NotificationSubjects.Beat, BeatId);
        await Commit(IntegrationEvents.Create($"{BeatId}.ready", EventTypes.BeatReady, BeatId, ready.OccurredAt, new BeatReadyData(
            BeatId, b.ProducerId, b.Title, b.Artist, b.Genre, b.Bpm, media.DurationSeconds, b.Tags,
            [.. b.Licenses.Select(l => new BeatLicenseData(l.LicenseType, l.Price, l.Currency))], ready.OccurredAt)), ready, relist: true);
    }

    public Task FailProcessing(string reason) =>
        State.Beat is { Status: BeatStatus.Processing } ? Fail(reason) : Task.CompletedTask;

    public async Task AcknowledgeListing(long version)
    {
        if (version > State.ListedVersion)
        {
            State.ListedVersion = version;
            await Commit();
        }
    }

    /// <summary>The inbox has the notification; the removal reaches storage with the beat's next write or at deactivation.</summary>
    public Task Acknowledge(string eventId)
    {
        notifications.Acknowledge([eventId]);
        return Task.CompletedTask;
    }

    public Task AcknowledgeAll(IReadOnlyList<string> eventIds)
    {
        notifications.Acknowledge(eventIds);
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SyncReminder)
        {
            return;
        }

        TakeDueRemovals();
        if (!HasPendingWork())
        {
            // Replaced covers not due yet keep the reminder; it comes back for them.
            if (State.FilesToRemoveLater.Count == 0)
            {
                var reminder = await this.GetReminder(SyncReminder)
                    ?? throw new InvalidOperationException("The sync reminder fired but is not registered.");
                await this.UnregisterReminder(reminder);
                syncRegistered = false;
            }

            return;
        }

        await PublishPending();
    }

    /// <summary>While active, pending work is published again every few seconds; the reminder covers a lost activation.</summary>
    private async Task RetryPending()
    {
        if (!HasPendingWork())
        {
            retryTimer?.Dispose();
            retryTimer = null;
            return;
        }

        await PublishPending();
    }

    private async Task PublishPending()
    {
        if (State.Beat is { Status: BeatStatus.Processing } && !State.Deleted)
        {
            // The processor ignores this while it is already working on the beat; a crashed one starts afresh.
            await GrainFactory.GetGrain<IMediaProcessingGrain>(BeatId).Ensure(ProcessingJob());
        }

        if (State.ListedVersion < State.ListingVersion)
        {
            await StoreListing();
        }

        if (State.FilesToRemove.Count > 0)
        {
            await RemoveFiles();
        }

        // Unacknowledged notifications are the outbox's own to publish again; it does once the reminder woke the beat.
    }

    private bool HasPendingWork() =>
        (State.Beat is { Status: BeatStatus.Processing } && !State.Deleted)
        || State.ListedVersion < State.ListingVersion
        || notifications.Count > 0 || State.FilesToRemove.Count > 0;

    private async Task Fail(string reason)
    {
        var b = State.Beat = State.Beat! with { Status = BeatStatus.Failed, FailureReason = reason };
        var now = clock.GetUtcNow();
        // The producer waits for the upload's outcome: a failure is told as a success is (beat_ready), with the reason.
        var failed = new NotificationRequested($"beat-failed:{BeatId}", this.GetGrainId(), b.ProducerId, "beat_failed",
            $"Your beat \"{b.Title}\" could not be processed: {reason}", now, NotificationSubjects.Beat, BeatId);
        await Commit(IntegrationEvents.Create($"{BeatId}.failed", EventTypes.BeatFailed, BeatId, now,
            new BeatFailedData(BeatId, b.ProducerId, reason, now)), failed);
        CatalogTelemetry.Failed();
        LogFailed(logger, BeatId, reason);
    }

    private bool CountsAsNewPlay(string listener, string address)
    {
        var o = options.Value;
        playCounter ??= new PlayCounter(o.RepeatPlayWindow, o.MaxListenersPerAddress, o.MaxRememberedListeners);
        return playCounter.Count(listener, address, market.GetUtcNow());
    }

    private async Task RefreshListingAfterPlays()
    {
        playsListingTimer?.Dispose();
        playsListingTimer = null;
        await Commit(relist: true);
    }

    /// <summary>
    /// The one way the beat stores a change: the integration event and the notification it causes are recorded with
    /// it, then published, and whatever work it leaves pending (processing, the listing) is retried until done.
    /// </summary>
    /// <param name="relist">The change shows in the catalogue: the listing gets a new version and is published.</param>
    private async Task Commit(IntegrationEvent? integrationEvent = null, NotificationRequested? notification = null, bool relist = false)
    {
        if (relist)
        {
            State.ListingVersion++;
        }

        if (integrationEvent is not null)
        {
            await events.Record(integrationEvent);
        }

        if (notification is not null)
        {
            notifications.Record(notification);
        }

        await Write();
        events.PublishInBackground();
        await notifications.Publish();
        if (HasPendingWork())
        {
            await EnsureSync();
        }

        if (relist)
        {
            await PublishListing();
        }
    }

    private async Task Write()
    {
        await beat.WriteStateAsync();
        notifications.Saved();
        playsUnsaved = false;
    }

    private async Task EnsureSync()
    {
        StartRetry();
        await EnsureReminder();
    }

    /// <summary>
    /// The reminder alone, for work that is not due yet (replaced covers): no timer keeps the beat active.
    /// </summary>
    private async Task EnsureReminder()
    {
        if (!syncRegistered)
        {
            await this.RegisterOrUpdateReminder(SyncReminder, options.Value.SyncPeriod, options.Value.SyncPeriod);
            syncRegistered = true;
        }
    }

    /// <summary>
    /// Moves the replaced covers whose time has come to the files to remove (stored with the removal).
    /// </summary>
    private void TakeDueRemovals()
    {
        var now = clock.GetUtcNow();
        var due = State.FilesToRemoveLater.Where(f => f.Value <= now).Select(f => f.Key).ToList();
        if (due.Count == 0)
        {
            return;
        }

        State.FilesToRemove = [.. State.FilesToRemove.Union(due)];
        foreach (var key in due)
        {
            State.FilesToRemoveLater.Remove(key);
        }
    }

    // A stream event can be lost (a memory queue on a silo that died); the reminder alone can lag behind a membership
    // change, when its owner has not yet taken over the range. The timer makes the common case quick.
    private void StartRetry() => retryTimer ??= this.RegisterGrainTimer(
        static async (grain, _) => await grain.RetryPending(),
        this,
        new GrainTimerCreationOptions(options.Value.RetryPeriod, options.Value.RetryPeriod) { KeepAlive = true });

    private BeatUploaded ProcessingJob() => new(BeatId, State.Beat!.ProducerId, State.Beat.Master);

    private Task RequestProcessing() => Publish(BeatUploaded.Namespace, BeatId, ProcessingJob());

    /// <summary>
    /// The retry of a listing goes by call, not by the stream that failed to bring it in: whatever held that stream up
    /// (a memory queue's silo that died loses its events) would hold up a republished copy too.
    /// </summary>
    private async Task StoreListing()
    {
        var version = State.ListingVersion;
        try
        {
            await GrainFactory.GetGrain<ICatalogListingGrain>(BeatId).Store(version, Listing());
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogListingFailed(logger, exception, BeatId, version);
            return;
        }

        await AcknowledgeListing(version);
    }

    private Task PublishListing() => Publish(BeatListingChanged.Namespace, BeatId, new BeatListingChanged(BeatId, State.ListingVersion, Listing()));

    /// <summary>What the catalogue lists: ready, not deleted beats only.</summary>
    private CatalogEntry? Listing() => State.Beat is { Status: BeatStatus.Ready } b && !State.Deleted
        ? new CatalogEntry(
            BeatId: b.BeatId,
            ProducerId: b.ProducerId,
            Title: b.Title,
            Artist: b.Artist,
            Genre: b.Genre,
            Bpm: b.Bpm,
            Key: b.Key,
            Tags: b.Tags,
            Licenses: b.Licenses,
            Price: b.Price,
            Currency: b.Currency,
            DurationSeconds: b.DurationSeconds ?? 0,
            Plays: b.Plays,
            CreatedAt: b.CreatedAt,
            Cover: b.Cover)
        : null;

    /// <summary>A failed publish is logged, not thrown: the state change is durable and the reminder publishes again.</summary>
    private async Task Publish<T>(string streamNamespace, string key, T item)
    {
        try
        {
            await this.GetStreamProvider(StorageNames.Events).GetStream<T>(StreamId.Create(streamNamespace, key)).OnNextAsync(item);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogPublishFailed(logger, exception, streamNamespace, BeatId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Beat {BeatId}: taking it off its producer's list failed")]
    private static partial void LogUnlistFailed(ILogger logger, Exception exception, string beatId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Beat {BeatId}: removing file {Key} failed; tried again later")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string beatId, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Beat {BeatId}: processing attempt {Attempt}")]
    private static partial void LogAttempt(ILogger logger, string beatId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Beat {BeatId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string beatId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing listing version {Version} of beat {BeatId} failed; the next retry stores it")]
    private static partial void LogListingFailed(ILogger logger, Exception exception, string beatId, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing on {StreamNamespace} for beat {BeatId} failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string streamNamespace, string beatId);
}
