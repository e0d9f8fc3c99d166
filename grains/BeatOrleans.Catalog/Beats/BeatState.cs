using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Events;

namespace BeatOrleans.Catalog.Beats;

[GenerateSerializer, Alias("catalog.BeatState")]
public sealed class BeatState
{
    [Id(0)] public Beat? Beat { get; set; }

    [Id(1)] public bool Deleted { get; set; }

    [Id(2)] public BeatMedia? Media { get; set; }

    /// <summary>Processing attempts started so far.</summary>
    [Id(3)] public int Attempts { get; set; }

    /// <summary>Grows with every change the catalogue's listing must show.</summary>
    [Id(4)] public long ListingVersion { get; set; }

    /// <summary>The newest version the query model has acknowledged.</summary>
    [Id(5)] public long ListedVersion { get; set; }

    /// <summary>Notifications published but not yet acknowledged by the inbox.</summary>
    [Id(6)] public List<NotificationRequested> Notifications { get; set; } = [];

    /// <summary>Integration events recorded with the change that caused them, until the broker confirms them.</summary>
    [Id(7)] public List<IntegrationEvent> Events { get; set; } = [];

    /// <summary>The purchase holding the exclusive while its buyer pays; free again once <see cref="ExclusiveHold.Until"/> passes.</summary>
    [Id(8)] public ExclusiveHold? Hold { get; set; }

    /// <summary>The purchase that bought the exclusive: from then on nothing more is sold.</summary>
    [Id(9)] public string? SoldTo { get; set; }

    /// <summary>
    /// Whether a licence of the beat was ever sold; null for a beat stored before this was kept, which counts as sold.
    /// A deleted beat keeps its buyers' deliverables and nothing else.
    /// </summary>
    [Id(10)] public bool? Bought { get; set; }

    /// <summary>Blob keys of a deleted beat's files no buyer needs, until the blob store has removed them.</summary>
    [Id(11)] public List<string> FilesToRemove { get; set; } = [];

    /// <summary>
    /// Blob keys of stems the producer replaced: a purchase placed before the replacement names them, so they stay
    /// until the beat is deleted without buyers.
    /// </summary>
    [Id(12)] public List<string> FormerStems { get; set; } = [];

    /// <summary>
    /// The licence tiers sold so far, so a deletion keeps only the files those deliver (an MP3 lease alone keeps the
    /// MP3, not the WAV or the stems). Null for a beat that sold before this was kept: then every deliverable stays.
    /// </summary>
    [Id(13)] public HashSet<string>? SoldTiers { get; set; }

    /// <summary>
    /// Buyers whose exclusive purchases ended unpaid lately: how many times, and until when that counts (at most
    /// <see cref="BeatGrain.MaxCoolingBuyers"/>, the earliest ending dropped first).
    /// </summary>
    [Id(14)] public Dictionary<string, UnpaidHolds> CoolingBuyers { get; set; } = [];

    /// <summary>
    /// Blob keys of replaced covers, and when each goes: a page or a catalogue result read a moment before the
    /// replacement still shows the old picture (see <see cref="CatalogOptions.ReplacedCoverRetention"/>).
    /// </summary>
    [Id(15)] public Dictionary<string, DateTimeOffset> FilesToRemoveLater { get; set; } = [];
}

/// <summary>A buyer's exclusive purchases of a beat that ended unpaid, each within the cooldown of the last.</summary>
[GenerateSerializer, Immutable, Alias("catalog.UnpaidHolds")]
public sealed record UnpaidHolds([property: Id(0)] int Count, [property: Id(1)] DateTimeOffset Until);

[GenerateSerializer, Immutable, Alias("catalog.ExclusiveHold")]
public sealed record ExclusiveHold([property: Id(0)] string PurchaseId, [property: Id(1)] DateTimeOffset Until);
