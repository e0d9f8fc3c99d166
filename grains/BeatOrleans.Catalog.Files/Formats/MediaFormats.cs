namespace BeatOrleans.Catalog.Files.Formats;

/// <summary>
/// Identifies an upload by its first bytes, never by its name or declared type. <see cref="HeadLength"/> bytes are
/// enough for every format here.
/// </summary>
public static class MediaFormats
{
    public const int HeadLength = 16;

    public static readonly IReadOnlyList<string> Audio = ["wav", "aiff", "flac", "mp3", "ogg"];

    /// <summary>wav, aiff, flac, mp3 or ogg; null for anything else.</summary>
    public static string? DetectAudio(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return "wav";
        }

        if (head.Length >= 12 && head[..4].SequenceEqual("FORM"u8) && (head[8..12].SequenceEqual("AIFF"u8) || head[8..12].SequenceEqual("AIFC"u8)))
        {
            return "aiff";
        }

        if (head.StartsWith("fLaC"u8))
        {
            return "flac";
        }

        if (head.StartsWith("OggS"u8))
        {
            return "ogg";
        }

        return head.StartsWith("ID3"u8) || IsMpegAudioFrame(head) ? "mp3" : null;
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>jpeg, png or webp (a still image a cover is made from); null for anything else.</summary>
    public static string? DetectImage(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return "jpeg";
        }

        if (head.StartsWith(PngSignature))
        {
            return "png";
        }

        return head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)
            ? "webp"
            : null;
    }

    /// <summary>A zip archive (stems): the local-file header, or the end record of an empty archive.</summary>
    public static bool IsZip(ReadOnlySpan<byte> head) => head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8);

    /// <summary>The MIME type each stored format is served with.</summary>
    public static string ContentType(string format) => format switch
    {
        "wav" => "audio/wav",
        "aiff" => "audio/aiff",
        "flac" => "audio/flac",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "zip" => "application/zip",
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    };

    /// <summary>An MPEG audio frame header: 11 sync bits, a real version and layer, a bitrate and sample rate that exist.</summary>
    private static bool IsMpegAudioFrame(ReadOnlySpan<byte> head) =>
        head.Length >= 4
        && head[0] == 0xFF
        && (head[1] & 0xE0) == 0xE0
        && (head[1] & 0x18) != 0x08 // version: reserved
        && (head[1] & 0x06) != 0x00 // layer: reserved
        && (head[2] & 0xF0) != 0xF0 // bitrate: bad
        && (head[2] & 0x0C) != 0x0C; // sample rate: reserved
}
