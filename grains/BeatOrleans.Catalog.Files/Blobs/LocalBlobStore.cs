using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Catalog.Files.Blobs;

/// <summary>Blobs as files under one root folder: the embedded default, where the API serves files itself.</summary>
public sealed class LocalBlobStore(IOptions<BlobStorageOptions> options) : IBlobStore
{
    private const int CopyBuffer = 128 * 1024;

    private readonly string root = Path.GetFullPath(options.Value.LocalRoot);

    public async Task<long> Write(string key, Stream content, long maxBytes, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A partial file never takes the key's name: readers see the old blob or the whole new one.
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            long written;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBuffer, useAsync: true))
            {
                written = await CopyLimited(content, file, maxBytes, cancellationToken);
            }

            File.Move(partial, path, overwrite: true);
            return written;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public Task Upload(string key, string path, string contentType, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.{Guid.NewGuid():N}.partial";
        File.Copy(path, partial);
        File.Move(partial, target, overwrite: true);
        return Task.CompletedTask;
    }

    public Task Download(string key, string path, CancellationToken cancellationToken)
    {
        File.Copy(PathOf(key), path, overwrite: true);
        return Task.CompletedTask;
    }

    public async Task<byte[]> ReadHead(string key, int count, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(PathOf(key));
        var buffer = new byte[Math.Min(count, file.Length)];
        await file.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    public Task<long?> Size(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult<long?>(file.Exists ? file.Length : null);
    }

    public Task Delete(string key, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone with its folder: deleting is idempotent, as with S3.
        }

        return Task.CompletedTask;
    }

    public Task Move(string source, string target, CancellationToken cancellationToken)
    {
        var from = PathOf(source);
        var to = PathOf(target);
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        try
        {
            File.Move(from, to, overwrite: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(source);
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListWrittenBefore(string prefix, DateTimeOffset before, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = Path.Combine(root, prefix);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            // A ".partial" left by a crashed write is listed too: once old, it is garbage like an unclaimed upload.
            if (file.LastWriteTimeUtc < before.UtcDateTime && BlobKeys.IsValid(key))
            {
                yield return key;
            }
        }

        await Task.CompletedTask;
    }

    public BlobLocation Locate(string key, TimeSpan lifetime, string? downloadName = null) => new(PathOf(key), null);

    public Uri? PresignUpload(string key, string contentType, TimeSpan lifetime) => null;

    /// <summary>Copies at most <paramref name="maxBytes"/>; one byte more and the copy stops with <see cref="BlobTooLargeException"/>.</summary>
    internal static async Task<long> CopyLimited(Stream source, Stream target, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBuffer), cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new BlobTooLargeException(maxBytes);
                }

                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private string PathOf(string key)
    {
        if (!BlobKeys.IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a blob key.", nameof(key));
        }

        var path = Path.GetFullPath(Path.Combine(root, key));
        // IsValid already forbids "..": this is the second lock on the same door.
        return path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"'{key}' is outside the blob root.", nameof(key));
    }
}
