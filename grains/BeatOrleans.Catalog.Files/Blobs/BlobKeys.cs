using System.Text.RegularExpressions;

namespace BeatOrleans.Catalog.Files.Blobs;

/// <summary>Every blob key the marketplace uses, built from ids the server made.</summary>
public static partial class BlobKeys
{
    public static string Master(string beatId, string format) => $"masters/{beatId}/master.{format}";

    public static string Stems(string beatId) => $"stems/{beatId}/stems.zip";

    /// <summary>
    /// Stems sent after the upload: a key of their own, so a replacement never overwrites stems sold before it.
    /// </summary>
    public static string Stems(string beatId, string version) => $"stems/{beatId}/stems-{version}.zip";

    public static string Preview(string beatId) => $"previews/{beatId}/preview.mp3";

    public static string UntaggedMp3(string beatId) => $"deliverables/{beatId}/untagged-320k.mp3";

    public static string Wav(string beatId) => $"deliverables/{beatId}/master.wav";

    /// <summary>A beat's cover art of one version: <c>large</c> or <c>small</c>, a JPEG.</summary>
    public static string Cover(string beatId, string version, string size) => $"covers/{beatId}/{version}-{size}.jpg";

    /// <summary>Both files of a cover version.</summary>
    public static IReadOnlyList<string> CoverFiles(string beatId, string version) =>
        [Cover(beatId, version, "large"), Cover(beatId, version, "small")];

    public static string VoiceTag(string userId, string tagId, string format) => $"tags/{userId}/{tagId}.{format}";

    /// <summary>An object a client uploads through a presigned or signed URL before naming it in an upload.</summary>
    public static string Incoming(string userId, string uploadId) => $"{IncomingPrefix}{userId}/{uploadId}";

    /// <summary>The folder of uploads no beat has claimed yet.</summary>
    public const string IncomingPrefix = "incoming/";

    /// <summary>Lower-case letters, digits, '-', '_' and '.' in '/'-separated segments, none of them "." or "..".</summary>
    public static bool IsValid(string key) => key.Length <= 512 && KeyPattern().IsMatch(key) && !key.Split('/').Any(s => s is "." or "..");

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*\z")]
    private static partial Regex KeyPattern();
}
