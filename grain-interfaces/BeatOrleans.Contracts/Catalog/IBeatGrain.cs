using Orleans.Concurrency;

namespace BeatOrleans.Contracts.Catalog;

[GenerateSerializer, Alias("catalog.DeleteOutcome")]
public enum DeleteOutcome
{
    Deleted = 0,
    NotFound = 1,
    NotProducer = 2,
}

/// <summary>One beat, keyed by its beat id: the single writer of its metadata, status and media.</summary>
/// <remarks>
/// Version 1 added <see cref="UpdateDetails"/> and <see cref="ReleaseUnpaidHold"/>; version 2 made UpdateDetails
/// honour <see cref="BeatDetailsEdit.IfMatch"/> (a silo of version 1 would apply such an edit unchecked); version 3
/// added <see cref="SetCover"/>.
/// </remarks>
[Alias("catalog.IBeatGrain"), Orleans.CodeGeneration.Version(3)]
public interface IBeatGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the beat in status processing and starts processing its master; a repeat returns the beat. Null when the
    /// beat was created and deleted before (its draft's files are removed).
    /// </summary>
    [Alias("Create")]
    Task<Beat?> Create(BeatDraft draft);

    /// <summary>The beat, or null when it does not exist or was deleted.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetBeat")]
    Task<Beat?> GetBeat();

    /// <summary>The waveform peaks (0..1) of a processed beat; null when absent, deleted or not processed.</summary>
    [ReadOnly, ResponseTimeout(Reads.ResponseTimeout), Alias("GetPeaks")]
    Task<IReadOnlyList<float>?> GetPeaks();

    /// <summary>
    /// Removes the beat from the catalogue for everyone; only its producer may. The deliverables stay while it has
    /// buyers; its other files (all of them, without buyers) are removed from blob storage.
    /// </summary>
    [Alias("Delete")]
    Task<DeleteOutcome> Delete(string callerId);

    /// <summary>
    /// Counts a play of a stream URL (<paramref name="playId"/>, however many range requests it makes) by
    /// <paramref name="listener"/> (a pseudonym of the signed-in user, else of the address) from
    /// <paramref name="address"/> (a pseudonym of the client's address): a listener's plays of the beat count once per
    /// <c>Catalog:RepeatPlayWindow</c>, and at most <c>Catalog:MaxListenersPerAddress</c> listeners' from one address,
    /// so neither fresh stream URLs nor fresh accounts in a loop move the beat up the popular sort.
    /// </summary>
    [Alias("RecordListenerPlay")]
    Task RecordPlay(string playId, string listener, string address);

    /// <summary>A processor starts an attempt: false when the beat no longer needs one or has used up its attempts (it fails).</summary>
    [Alias("BeginProcessing")]
    Task<bool> BeginProcessing();

    /// <summary>Processing finished: the media is stored and the beat becomes ready (a stale or repeated report is ignored).</summary>
    [Alias("CompleteProcessing")]
    Task CompleteProcessing(BeatMedia media);

    /// <summary>Processing found the master unusable: the beat ends failed with this reason.</summary>
    [Alias("FailProcessing")]
    Task FailProcessing(string reason);

    /// <summary>The catalogue's query model holds this version of the beat's listing.</summary>
    [Alias("AcknowledgeListing")]
    Task AcknowledgeListing(long version);

    /// <summary>A buyer wants a licence: the offer as it stands, and for an exclusive a hold for this purchase until <paramref name="holdUntil"/>.</summary>
    [Alias("Reserve")]
    Task<SaleOffer> Reserve(string purchaseId, string buyerId, string licenseType, DateTimeOffset holdUntil);

    /// <summary>Hands an unexpired exclusive hold from one holder to another (an accepted offer to its purchase and back); false when <paramref name="fromHolder"/> holds nothing.</summary>
    [Alias("TransferHold")]
    Task<bool> TransferHold(string fromHolder, string toHolder, DateTimeOffset holdUntil);

    /// <summary>The purchase will not be paid: its hold (if any) is released at once.</summary>
    [Alias("ReleaseHold")]
    Task ReleaseHold(string purchaseId);

    /// <summary>
    /// A purchase of the exclusive ended unpaid (its payment declined or its window closed): its hold (if any) is
    /// released at once, and <paramref name="buyerId"/> may not hold the exclusive again for a while, so no one can
    /// keep it from being sold by holding it again and again.
    /// </summary>
    [Alias("ReleaseUnpaidHold")]
    Task ReleaseUnpaidHold(string purchaseId, string buyerId);

    /// <summary>A captured payment asks for its licence: false when the beat can no longer be sold (then the payment is refunded).</summary>
    [Alias("CompleteSale")]
    Task<bool> CompleteSale(string purchaseId, string licenseType);

    /// <summary>The producer replaces the tiers on offer and their prices; licences already sold keep their own terms.</summary>
    [Alias("UpdateLicenses")]
    Task<LicensesOutcome> UpdateLicenses(string callerId, IReadOnlyList<LicenseTier> licenses);

    /// <summary>
    /// The producer corrects the beat's title, artist, genre, BPM, key or tags (the search lists the change shortly
    /// after); purchases made before keep the title they were sold under. A sold exclusive is no longer edited.
    /// </summary>
    [Alias("UpdateDetails")]
    Task<DetailsResult> UpdateDetails(string callerId, BeatDetailsEdit edit);

    /// <summary>
    /// The producer's stems (a zip already in blob storage) become the beat's, replacing any it had: licences sold from
    /// now on deliver them, and the trackout tier may be offered. Stems a licence was already sold with stay stored
    /// for its buyers. A sold exclusive takes no stems.
    /// </summary>
    [Alias("AttachStems")]
    Task<StemsOutcome> AttachStems(string callerId, StoredFile stems);

    /// <summary>
    /// The producer's cover art becomes the beat's (<paramref name="cover"/>: a version <see cref="ICoverArtGrain"/>
    /// stored), or the beat has none (null). The files of the cover it replaces are removed. A sold exclusive keeps
    /// its cover.
    /// </summary>
    [Alias("SetCover")]
    Task<CoverOutcome> SetCover(string callerId, string? cover);
}
