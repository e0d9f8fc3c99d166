namespace BeatOrleans.Contracts.Catalog;

/// <summary>One licence a beat offers, at the producer's price (major units, e.g. 29.99) in <see cref="Currency"/>.</summary>
[GenerateSerializer, Immutable, Alias("catalog.LicenseTier")]
public sealed record LicenseTier(
    [property: Id(0)] string LicenseType,
    [property: Id(1)] decimal Price,
    [property: Id(2)] string Currency);

/// <summary>The licence tiers of the marketplace, cheapest first in what they deliver.</summary>
public static class LicenseTypes
{
    public const string Mp3Lease = "mp3_lease";
    public const string WavLease = "wav_lease";
    public const string Trackout = "trackout";
    public const string Unlimited = "unlimited";
    public const string Exclusive = "exclusive";

    public const string DefaultCurrency = "USD";

    public static readonly IReadOnlyList<string> All = [Mp3Lease, WavLease, Trackout, Unlimited, Exclusive];

    /// <summary>The tier sold for its stems: a beat offering it needs a stems upload (unlimited and exclusive add them when present).</summary>
    public static bool NeedsStems(string licenseType) => licenseType is Trackout;

    /// <summary>A tier's name in sentences people read (notifications, chat): "MP3 lease", not "mp3_lease".</summary>
    public static string DisplayName(string licenseType) => licenseType switch
    {
        Mp3Lease => "MP3 lease",
        WavLease => "WAV lease",
        Trackout => "Trackout",
        Unlimited => "Unlimited",
        Exclusive => "Exclusive",
        _ => licenseType,
    };
}
