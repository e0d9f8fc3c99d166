namespace BeatOrleans.Catalog.Files.Blobs;

/// <summary>
/// Where the catalogue keeps audio: masters, previews, deliverables, stems and voice tags. Keys are chosen by the
/// server (<see cref="BlobKeys"/>); a user's file name never becomes a key or a path.
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="content"/> into <paramref name="key"/> without holding it in memory.</summary>
    /// <returns>The number of bytes stored.</returns>
    /// <exception cref="BlobTooLargeException">The content passed <paramref name="maxBytes"/>; nothing is kept.</exception>
    Task<long> Write(string key, Stream content, long maxBytes, string contentType, CancellationToken cancellationToken);

    /// <summary>Copies a local file into the store.</summary>
    Task Upload(string key, string path, string contentType, CancellationToken cancellationToken);

    /// <summary>Copies a stored blob to a local file (FFmpeg works on files).</summary>
    Task Download(string key, string path, CancellationToken cancellationToken);

    /// <summary>The first bytes of a blob (at most <paramref name="count"/>), to identify its format.</summary>
    Task<byte[]> ReadHead(string key, int count, CancellationToken cancellationToken);

    /// <summary>The blob's size, or null when it does not exist.</summary>
    Task<long?> Size(string key, CancellationToken cancellationToken);

    Task Delete(string key, CancellationToken cancellationToken);

    /// <summary>Gives a blob another key (an upload claimed by a beat becomes its master).</summary>
    /// <exception cref="BlobNotFoundException">No blob has the key <paramref name="source"/>.</exception>
    Task Move(string source, string target, CancellationToken cancellationToken);

    /// <summary>The keys under <paramref name="prefix"/> (a folder: "incoming/") of blobs last written before <paramref name="before"/>.</summary>
    IAsyncEnumerable<string> ListWrittenBefore(string prefix, DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// How a client reads the blob: a local file the API serves itself, or a presigned URL valid for
    /// <paramref name="lifetime"/> whose answer is an attachment named <paramref name="downloadName"/> when one is given.
    /// </summary>
    BlobLocation Locate(string key, TimeSpan lifetime, string? downloadName = null);

    /// <summary>A presigned URL a client may PUT one object to, or null when the store has no such URLs (local disk).</summary>
    Uri? PresignUpload(string key, string contentType, TimeSpan lifetime);
}

/// <summary>Exactly one of <see cref="LocalPath"/> and <see cref="Url"/> is set.</summary>
public sealed record BlobLocation(string? LocalPath, Uri? Url);

public sealed class BlobTooLargeException(long maxBytes)
    : IOException($"The content is larger than the limit of {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}

public sealed class BlobNotFoundException(string key) : IOException($"No blob has the key '{key}'.");
