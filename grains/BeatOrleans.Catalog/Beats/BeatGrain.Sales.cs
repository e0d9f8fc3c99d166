using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Events;
using BeatOrleans.Contracts.Purchasing;
using BeatOrleans.Outbox;

namespace BeatOrleans.Catalog.Beats;

/// <summary>
/// The beat is the single writer of what it has sold: one grain turn decides each hold and each sale, so concurrent
/// buyers of one exclusive get exactly one hold, and a hold whose payment window closed is free without anyone's help.
/// </summary>
internal sealed partial class BeatGrain
{
    /// <summary>Buyers a beat remembers in their cooldown, so its state stays bounded.</summary>
    internal const int MaxCoolingBuyers = 1_000;

    /// <summary>Unpaid ends in a row (each within the last's cooldown) that refuse a buyer's next hold.</summary>
    private const int UnpaidHoldsBeforeCooldown = 2;

    public async Task<SaleOffer> Reserve(string purchaseId, string buyerId, string licenseType, DateTimeOffset holdUntil)
    {
        if (State.Beat is not { } b || State.Deleted)
        {
            return SaleOffer.Refused(ReserveOutcome.NotFound);
        }

        if (b.ProducerId == buyerId)
        {
            return SaleOffer.Refused(ReserveOutcome.OwnBeat);
        }

        if (State.SoldTo is not null && State.SoldTo != purchaseId)
        {
            return SaleOffer.Refused(ReserveOutcome.Sold);
        }

        if ((b.Status != BeatStatus.Ready && State.SoldTo != purchaseId) || State.Media is null)
        {
            return SaleOffer.Refused(ReserveOutcome.NotReady);
        }

        if (b.Licenses.FirstOrDefault(l => l.LicenseType == licenseType) is not { } tier)
        {
            return SaleOffer.Refused(ReserveOutcome.NoSuchLicense);
        }

        if (licenseType == LicenseTypes.Exclusive)
        {
            if (HeldByAnother(purchaseId))
            {
                return SaleOffer.Refused(ReserveOutcome.Held);
            }

            // A hold this purchase has already (a repeat, or an accepted offer's handed over) is kept regardless.
            if (State.Hold?.PurchaseId != purchaseId
                && State.CoolingBuyers.TryGetValue(buyerId, out var unpaid)
                && unpaid.Count >= UnpaidHoldsBeforeCooldown && unpaid.Until > market.GetUtcNow())
            {
                return SaleOffer.Refused(ReserveOutcome.Cooldown);
            }

            // A repeat of the same purchase (its order retried after a crash) may only extend its own hold, so the hold
            // never ends before the payment window the buyer was given.
            if (State.Hold is not { } hold || hold.PurchaseId != purchaseId || hold.Until < holdUntil)
            {
                State.Hold = new ExclusiveHold(purchaseId, holdUntil);
                await Commit();
            }
        }

        var terms = LicenseCatalog.For(licenseType, b.Stems is not null);
        return new SaleOffer(ReserveOutcome.Reserved, b.ProducerId, b.Title, tier, terms, Files(terms), b.Bpm, b.Key);
    }

    public async Task<bool> TransferHold(string fromHolder, string toHolder, DateTimeOffset holdUntil)
    {
        if (State.Hold is not { } hold || hold.PurchaseId != fromHolder || hold.Until <= market.GetUtcNow() || State.SoldTo is not null)
        {
            return State.Hold?.PurchaseId == toHolder;
        }

        State.Hold = new ExclusiveHold(toHolder, holdUntil);
        await Commit();
        return true;
    }

    public async Task ReleaseHold(string purchaseId)
    {
        if (State.Hold?.PurchaseId == purchaseId)
        {
            State.Hold = null;
            await Commit();
        }
    }

    public async Task ReleaseUnpaidHold(string purchaseId, string buyerId)
    {
        var now = market.GetUtcNow();
        if (State.Hold?.PurchaseId == purchaseId)
        {
            State.Hold = null;
        }

        foreach (var ended in State.CoolingBuyers.Where(c => c.Value.Until <= now).Select(c => c.Key).ToList())
        {
            State.CoolingBuyers.Remove(ended);
        }

        // One unpaid end is forgiven (a card declined once, a typo): the next within the cooldown starts it.
        var count = State.CoolingBuyers.TryGetValue(buyerId, out var before) ? before.Count + 1 : 1;
        State.CoolingBuyers[buyerId] = new UnpaidHolds(count, now + options.Value.UnpaidHoldCooldown);
        while (State.CoolingBuyers.Count > MaxCoolingBuyers)
        {
            State.CoolingBuyers.Remove(State.CoolingBuyers.MinBy(c => c.Value.Until).Key);
        }

        await Commit();
    }

    public async Task<bool> CompleteSale(string purchaseId, string licenseType)
    {
        if (State.SoldTo == purchaseId)
        {
            return true;
        }

        if (State.Beat is not { Status: BeatStatus.Ready } b || State.Deleted || State.SoldTo is not null)
        {
            return false;
        }

        if (licenseType != LicenseTypes.Exclusive)
        {
            if (State.Bought != true || (State.SoldTiers is { } sold && !sold.Contains(licenseType)))
            {
                // Once per tier: from now on a deletion keeps the deliverables this buyer downloads.
                RecordSold(licenseType);
                await Commit();
            }

            return true;
        }

        // An exclusive the producer stopped offering is not sold, whoever held it: the payment is refunded.
        if (HeldByAnother(purchaseId) || b.Licenses.All(l => l.LicenseType != LicenseTypes.Exclusive))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        State.Hold = null;
        State.SoldTo = purchaseId;
        RecordSold(licenseType);
        State.Beat = b with { Status = BeatStatus.Sold };
        await Commit(IntegrationEvents.Create($"{BeatId}.sold", EventTypes.BeatSold, BeatId, now, new BeatSoldData(BeatId, b.ProducerId, purchaseId, now)),
            relist: true);
        return true;
    }

    public async Task<LicensesOutcome> UpdateLicenses(string callerId, IReadOnlyList<LicenseTier> licenses)
    {
        if (State.Beat is not { } b || State.Deleted)
        {
            return LicensesOutcome.NotFound;
        }

        if (b.ProducerId != callerId)
        {
            return LicensesOutcome.NotProducer;
        }

        if (State.SoldTo is not null)
        {
            return LicensesOutcome.Sold;
        }

        State.Beat = b with { Licenses = licenses };
        await Commit(relist: true);
        return LicensesOutcome.Updated;
    }

    public async Task<DetailsResult> UpdateDetails(string callerId, BeatDetailsEdit edit)
    {
        if (State.Beat is not { } b || State.Deleted)
        {
            return new DetailsResult(DetailsOutcome.NotFound, null);
        }

        if (b.ProducerId != callerId)
        {
            return new DetailsResult(DetailsOutcome.NotProducer, null);
        }

        if (State.SoldTo is not null)
        {
            return new DetailsResult(DetailsOutcome.Sold, null);
        }

        var changed = edit.Changed;
        var edited = b with
        {
            Title = changed.HasFlag(BeatDetailFields.Title) && edit.Title is { } title ? title : b.Title,
            Artist = changed.HasFlag(BeatDetailFields.Artist) && edit.Artist is { } artist ? artist : b.Artist,
            Genre = changed.HasFlag(BeatDetailFields.Genre) ? edit.Genre : b.Genre,
            Bpm = changed.HasFlag(BeatDetailFields.Bpm) ? edit.Bpm : b.Bpm,
            Key = changed.HasFlag(BeatDetailFields.Key) ? edit.Key : b.Key,
            Tags = changed.HasFlag(BeatDetailFields.Tags) ? edit.Tags ?? [] : b.Tags,
        };

        // A repeat of the same edit (a retry after a lost answer) writes nothing, and is answered as done whatever
        // version it names: the change it asks for is there.
        if (edited with { Tags = b.Tags } != b || !edited.Tags.SequenceEqual(b.Tags, StringComparer.Ordinal))
        {
            // If-Match: the producer edits the version they read, not one another tab changed meanwhile.
            if (edit.IfMatch is { } versions && !versions.Contains("*") && !versions.Contains(b.DetailsTag))
            {
                return new DetailsResult(DetailsOutcome.Stale, b);
            }

            State.Beat = edited;
            await Commit(relist: true);
        }

        return new DetailsResult(DetailsOutcome.Updated, edited);
    }

    public async Task<StemsOutcome> AttachStems(string callerId, StoredFile stems)
    {
        if (State.Beat is not { } b || State.Deleted)
        {
            return StemsOutcome.NotFound;
        }

        if (b.ProducerId != callerId)
        {
            return StemsOutcome.NotProducer;
        }

        if (b.Stems?.Key == stems.Key)
        {
            return StemsOutcome.Attached;
        }

        if (State.SoldTo is not null)
        {
            return StemsOutcome.Sold;
        }

        // Not removed now: a purchase placed a moment ago names the old key and may yet be paid (see FormerStems).
        if (b.Stems is { } former)
        {
            if (State.FormerStems.Count >= StemsLimits.MaxReplaced)
            {
                return StemsOutcome.TooManyReplacements;
            }

            State.FormerStems.Add(former.Key);
        }

        State.Beat = b with { Stems = stems };
        await Commit();
        return StemsOutcome.Attached;
    }

    public async Task<CoverOutcome> SetCover(string callerId, string? cover)
    {
        if (State.Beat is not { } b || State.Deleted)
        {
            return CoverOutcome.NotFound;
        }

        if (b.ProducerId != callerId)
        {
            return CoverOutcome.NotProducer;
        }

        if (b.Cover == cover)
        {
            return CoverOutcome.Set;
        }

        if (State.SoldTo is not null)
        {
            return CoverOutcome.Sold;
        }

        // A cover is no deliverable. A replaced one is still served a while, to pages and results read before; a
        // removed one goes at once, with any replaced ones still waiting: the producer wants the picture gone.
        var retention = options.Value.ReplacedCoverRetention;
        if (cover is null || retention == TimeSpan.Zero)
        {
            var atOnce = b.Cover is { } former ? BlobKeys.CoverFiles(BeatId, former) : [];
            if (cover is null)
            {
                atOnce = [.. atOnce, .. State.FilesToRemoveLater.Keys];
                State.FilesToRemoveLater.Clear();
            }

            State.FilesToRemove = [.. State.FilesToRemove.Union(atOnce)];
        }
        else if (b.Cover is { } replaced)
        {
            // The reminder first: stored waiting files with no reminder would stay forever (a tick with nothing to do
            // only unregisters it).
            await EnsureReminder();
            var until = clock.GetUtcNow() + retention;
            foreach (var key in BlobKeys.CoverFiles(BeatId, replaced))
            {
                State.FilesToRemoveLater[key] = until;
            }
        }

        State.Beat = b with { Cover = cover };
        await Commit(relist: b.Status == BeatStatus.Ready);
        await RemoveFiles();
        return CoverOutcome.Set;
    }

    private void RecordSold(string licenseType)
    {
        // A beat that sold before tiers were recorded keeps not knowing them (every deliverable stays).
        if (State.Bought == false)
        {
            State.SoldTiers = [];
        }

        State.Bought = true;
        State.SoldTiers?.Add(licenseType);
    }

    private bool HeldByAnother(string purchaseId) =>
        State.Hold is { } hold && hold.PurchaseId != purchaseId && hold.Until > market.GetUtcNow();

    private List<DeliverableFile> Files(LicenseTerms terms) => [.. terms.Deliverables.Select(name => new DeliverableFile(name, name switch
    {
        Deliverables.Mp3 => State.Media!.Mp3,
        Deliverables.Wav => State.Media!.Wav,
        _ => State.Beat!.Stems!,
    }))];
}
