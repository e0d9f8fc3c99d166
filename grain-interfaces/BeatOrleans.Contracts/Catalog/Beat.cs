using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BeatOrleans.Contracts.Catalog;

[GenerateSerializer, Alias("catalog.BeatStatus")]
public enum BeatStatus
{
    Processing = 0,
    Ready = 1,
    Failed = 2,
    Sold = 3,
}

/// <summary>A file the catalogue keeps in blob storage, under a key the server chose.</summary>
[GenerateSerializer, Immutable, Alias("catalog.StoredFile")]
public sealed record StoredFile(
    [property: Id(0)] string Key,
    [property: Id(1)] string Format,
    [property: Id(2)] long Bytes);

/// <summary>What a producer's upload asks the catalogue to create; the master is already in blob storage.</summary>
[GenerateSerializer, Immutable, Alias("catalog.BeatDraft")]
public sealed record BeatDraft(
    [property: Id(0)] string ProducerId,
    [property: Id(1)] string Title,
    [property: Id(2)] string Artist,
    [property: Id(3)] string? Genre,
    [property: Id(4)] double? Bpm,
    [property: Id(5)] string? Key,
    [property: Id(6)] IReadOnlyList<string> Tags,
    [property: Id(7)] IReadOnlyList<LicenseTier> Licenses,
    [property: Id(8)] StoredFile Master,
    [property: Id(9)] StoredFile? Stems);

/// <summary>The files processing made from the master: the tagged preview and the clean deliverables.</summary>
[GenerateSerializer, Immutable, Alias("catalog.BeatMedia")]
public sealed record BeatMedia(
    [property: Id(0)] double DurationSeconds,
    [property: Id(1)] int SampleRate,
    [property: Id(2)] int Channels,
    [property: Id(3)] StoredFile Preview,
    [property: Id(4)] StoredFile Mp3,
    [property: Id(5)] StoredFile Wav,
    [property: Id(6)] IReadOnlyList<float> Peaks);

/// <summary>A beat as the catalogue shows it.</summary>
[GenerateSerializer, Immutable, Alias("catalog.Beat")]
public sealed record Beat(
    [property: Id(0)] string BeatId,
    [property: Id(1)] string ProducerId,
    [property: Id(2)] string Title,
    [property: Id(3)] string Artist,
    [property: Id(4)] string? Genre,
    [property: Id(5)] double? Bpm,
    [property: Id(6)] string? Key,
    [property: Id(7)] IReadOnlyList<string> Tags,
    [property: Id(8)] IReadOnlyList<LicenseTier> Licenses,
    [property: Id(9)] BeatStatus Status,
    [property: Id(10)] string? FailureReason,
    [property: Id(11)] double? DurationSeconds,
    [property: Id(12)] long Plays,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] StoredFile Master,
    [property: Id(15)] StoredFile? Stems,
    [property: Id(16)] string? PreviewKey,
    [property: Id(17)] string? Cover = null)
{
    /// <summary>The headline price: the cheapest tier on offer.</summary>
    public decimal Price => Licenses.Count == 0 ? 0 : Licenses.Min(l => l.Price);

    public string Currency => Licenses.Count == 0 ? LicenseTypes.DefaultCurrency : Licenses[0].Currency;

    /// <summary>
    /// The version of the fields a producer edits (title, artist, genre, BPM, key, tags), as an HTTP entity tag with
    /// its quotes: GET /api/beats/{beat_id} sends it as ETag, and an edit sent with If-Match applies only while the
    /// details are still that version. Plays, status and prices do not change it.
    /// </summary>
    public string DetailsTag
    {
        get
        {
            var bpm = Bpm?.ToString("R", CultureInfo.InvariantCulture) ?? "";
            var text = string.Join('\n', Title, Artist, Genre ?? "", bpm, Key ?? "", string.Join('\u001f', Tags));
            return $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20]}\"";
        }
    }
}

/// <summary>Which of a beat's describing fields an edit changes.</summary>
[Flags]
[GenerateSerializer, Alias("catalog.BeatDetailFields")]
public enum BeatDetailFields
{
    None = 0,
    Title = 1,
    Artist = 2,
    Genre = 4,
    Bpm = 8,
    Key = 16,
    Tags = 32,
}

/// <summary>
/// A producer's change to a beat's describing fields after the upload; only the fields named in
/// <see cref="Changed"/> change (a null genre, BPM or key there clears it). Title and artist are never null when named.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalog.BeatDetailsEdit")]
public sealed record BeatDetailsEdit(
    [property: Id(0)] BeatDetailFields Changed,
    [property: Id(1)] string? Title,
    [property: Id(2)] string? Artist,
    [property: Id(3)] string? Genre,
    [property: Id(4)] double? Bpm,
    [property: Id(5)] string? Key,
    [property: Id(6)] IReadOnlyList<string>? Tags,
    [property: Id(7)] IReadOnlyList<string>? IfMatch = null);

[GenerateSerializer, Alias("catalog.DetailsOutcome")]
public enum DetailsOutcome
{
    Updated = 0,
    NotFound = 1,
    NotProducer = 2,
    Sold = 3,

    /// <summary>
    /// The edit named versions (<see cref="BeatDetailsEdit.IfMatch"/>) and the beat's details are none of them.
    /// </summary>
    Stale = 4,
}

/// <summary>What became of a producer's edit: the beat as it is now when <see cref="Outcome"/> is Updated.</summary>
[GenerateSerializer, Immutable, Alias("catalog.DetailsResult")]
public sealed record DetailsResult([property: Id(0)] DetailsOutcome Outcome, [property: Id(1)] Beat? Beat);

/// <summary>
/// A beat's cover art: the version a producer's image became (<see cref="Beat.Cover"/>), stored as square JPEGs of
/// <see cref="LargeSide"/> and <see cref="SmallSide"/> pixels under keys that name the version, so an address never
/// serves two images.
/// </summary>
public static class CoverArt
{
    /// <summary>The cover's side in pixels (less when the image is smaller).</summary>
    public const int LargeSide = 1000;

    /// <summary>The thumbnail's side in pixels, for lists.</summary>
    public const int SmallSide = 300;

    /// <summary>The shortest side an image needs to become a cover.</summary>
    public const int MinSide = 300;

    /// <summary>The most pixels an image may have (6,000 x 6,000 is 36 million); larger ones are refused.</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>
    /// The longest a cover waits for one of its silo's FFmpeg slots (<c>Media:MaxConcurrentCovers</c>) before it is
    /// refused as busy (503).
    /// </summary>
    public static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(15);

    /// <summary>The longest ffprobe, then FFmpeg, may take with a picture (a legible one takes under 1 s).</summary>
    public static readonly TimeSpan WorkTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long the API waits for a cover: the slot, both runs and the storage, with room to spare. A call that still
    /// outlasts it is answered 503, and its cover may yet be set.
    /// </summary>
    public const string ResponseTimeout = "00:01:30";

    /// <summary>
    /// The keys callers spread <see cref="ICoverArtGrain"/> calls over (a random one each), so that an API node's
    /// covers are made on every catalog silo it reaches, not on the one its single key's gateway is.
    /// </summary>
    public const int WorkerKeys = 32;

    /// <summary>The image formats a cover is made from, told by their first bytes.</summary>
    public static readonly IReadOnlyList<string> Formats = ["jpeg", "png", "webp"];

    /// <summary>A version: 32 lower-case hex digits.</summary>
    public static bool IsVersion(string? version) =>
        version is { Length: 32 } && version.All(char.IsAsciiHexDigitLower);
}

[GenerateSerializer, Alias("catalog.CoverOutcome")]
public enum CoverOutcome
{
    Set = 0,
    NotFound = 1,
    NotProducer = 2,

    /// <summary>The exclusive was sold: the beat's page no longer changes.</summary>
    Sold = 3,

    /// <summary>The image cannot become a cover (<see cref="CoverResult.Reason"/> says why).</summary>
    Unusable = 4,

    /// <summary>Every cover slot of the silo stayed taken for <see cref="CoverArt.SlotWait"/>: try again.</summary>
    Busy = 5,
}

/// <summary>What became of a new cover: the beat's cover version when <see cref="Outcome"/> is Set.</summary>
[GenerateSerializer, Immutable, Alias("catalog.CoverResult")]
public sealed record CoverResult(
    [property: Id(0)] CoverOutcome Outcome,
    [property: Id(1)] string? Cover,
    [property: Id(2)] string? Reason = null);
