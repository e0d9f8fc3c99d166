using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Contracts.Purchasing;

/// <summary>The files a licence delivers, by name: the untagged MP3, the WAV, the stems (a zip of the trackouts).</summary>
public static class Deliverables
{
    public const string Mp3 = "mp3";
    public const string Wav = "wav";
    public const string Stems = "stems";
}

/// <summary>
/// What a buyer may do with a licensed beat. A null cap is unlimited. The terms as they were at purchase are copied
/// into the purchase, so a later change to a tier never changes what a buyer bought.
/// </summary>
[GenerateSerializer, Immutable, Alias("purchasing.LicenseTerms")]
public sealed record LicenseTerms(
    [property: Id(0)] IReadOnlyList<string> Deliverables,
    [property: Id(1)] long? DistributionCopies,
    [property: Id(2)] long? AudioStreams,
    [property: Id(3)] int? MusicVideos,
    [property: Id(4)] int? RadioStations,
    [property: Id(5)] bool ForProfitPerformances,
    [property: Id(6)] bool Exclusive);

/// <summary>The marketplace's terms per tier: the caps typical of beat stores, from the cheapest lease up to exclusive rights.</summary>
public static class LicenseCatalog
{
    private static readonly Dictionary<string, LicenseTerms> Terms = new()
    {
        [LicenseTypes.Mp3Lease] = new([Deliverables.Mp3], 5_000, 100_000, 1, 0, false, false),
        [LicenseTypes.WavLease] = new([Deliverables.Mp3, Deliverables.Wav], 10_000, 250_000, 1, 2, true, false),
        [LicenseTypes.Trackout] = new([Deliverables.Mp3, Deliverables.Wav, Deliverables.Stems], 15_000, 500_000, 2, 5, true, false),
        [LicenseTypes.Unlimited] = new([Deliverables.Mp3, Deliverables.Wav, Deliverables.Stems], null, null, null, null, true, false),
        [LicenseTypes.Exclusive] = new([Deliverables.Mp3, Deliverables.Wav, Deliverables.Stems], null, null, null, null, true, true),
    };

    /// <summary>The terms of a tier for a beat; unlimited and exclusive deliver stems only when the producer uploaded them.</summary>
    public static LicenseTerms For(string licenseType, bool hasStems)
    {
        var terms = Terms[licenseType];
        return hasStems || LicenseTypes.NeedsStems(licenseType)
            ? terms
            : terms with { Deliverables = [.. terms.Deliverables.Where(d => d != Deliverables.Stems)] };
    }
}
