using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Contracts.Catalog;

[GenerateSerializer, Alias("catalog.ReserveOutcome")]
public enum ReserveOutcome
{
    Reserved = 0,
    NotFound = 1,
    NotReady = 2,
    OwnBeat = 3,
    NoSuchLicense = 4,
    Sold = 5,

    /// <summary>Another buyer holds the exclusive until their payment window closes.</summary>
    Held = 6,

    /// <summary>
    /// This buyer's purchases of the exclusive ended unpaid twice lately (declined, or the window closed): they may
    /// hold it again once <c>Catalog:UnpaidHoldCooldown</c> has passed since the last, others at once.
    /// </summary>
    Cooldown = 7,
}

/// <summary>The beat's answer to a buyer: what the licence costs and delivers right now, or why it cannot be bought.</summary>
[GenerateSerializer, Immutable, Alias("catalog.SaleOffer")]
public sealed record SaleOffer(
    [property: Id(0)] ReserveOutcome Outcome,
    [property: Id(1)] string? ProducerId,
    [property: Id(2)] string? Title,
    [property: Id(3)] LicenseTier? Tier,
    [property: Id(4)] LicenseTerms? Terms,
    [property: Id(5)] IReadOnlyList<DeliverableFile> Files,
    [property: Id(6)] double? Bpm = null,
    [property: Id(7)] string? Key = null)
{
    public static SaleOffer Refused(ReserveOutcome outcome) => new(outcome, null, null, null, null, []);
}

/// <summary>What became of a producer's stems sent after the upload.</summary>
[GenerateSerializer, Alias("catalog.StemsOutcome")]
public enum StemsOutcome
{
    Attached = 0,
    NotFound = 1,
    NotProducer = 2,
    Sold = 3,

    /// <summary>The beat keeps <see cref="StemsLimits.MaxReplaced"/> replaced stems for buyers already.</summary>
    TooManyReplacements = 4,
}

public static class StemsLimits
{
    /// <summary>
    /// Replaced stems a beat keeps (a purchase placed before a replacement may name the old ones): each can be as large
    /// as an upload's stems, so a beat's storage stays bounded.
    /// </summary>
    public const int MaxReplaced = 5;
}

[GenerateSerializer, Alias("catalog.LicensesOutcome")]
public enum LicensesOutcome
{
    Updated = 0,
    NotFound = 1,
    NotProducer = 2,
    Sold = 3,
}
