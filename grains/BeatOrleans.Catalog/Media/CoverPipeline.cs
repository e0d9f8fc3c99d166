using System.ComponentModel;
using System.Globalization;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Contracts.Catalog;
using FFMpegCore;
using FFMpegCore.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Catalog.Media;

/// <summary>What an uploaded image became: the stored cover's version, or why it cannot be a cover.</summary>
public sealed record CoverImages(string? Version, string? FailureReason);

/// <summary>
/// Makes an uploaded image into a beat's cover art with FFmpeg on local files: the largest centred square, at most
/// <see cref="CoverArt.LargeSide"/> pixels a side, and a <see cref="CoverArt.SmallSide"/>-pixel thumbnail, both
/// written anew as JPEGs without the upload's metadata. As with audio, untrusted input is read with its format forced
/// and the protocol whitelist <c>file</c>; the decoder refuses pictures of more than <see cref="CoverArt.MaxPixels"/>
/// before it allocates them, so a small file cannot decode into gigabytes.
/// </summary>
public sealed partial class CoverPipeline(
    IBlobStore blobs, IOptions<MediaOptions> options, ILogger<CoverPipeline> logger) : IDisposable
{
    /// <summary>
    /// The decoder's own pixel limit, with room above <see cref="CoverArt.MaxPixels"/>: FFmpeg counts the padded
    /// buffer, so a picture just under the limit must still decode and be measured, and refused by its real size.
    /// </summary>
    private const long DecoderPixels = CoverArt.MaxPixels + (CoverArt.MaxPixels / 10);

    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentCovers);

    private MediaOptions Options => options.Value;

    private FFOptions FFmpeg =>
        new() { BinaryFolder = Options.FFmpegFolder, TemporaryFilesFolder = Path.GetTempPath() };

    private static string Untrusted(string format) => FormattableString.Invariant(
        $"-protocol_whitelist file -max_pixels {DecoderPixels} -f {format}_pipe");

    public void Dispose() => slots.Dispose();

    /// <summary>
    /// Stores the cover files of a new version; null when every slot stayed taken for <see cref="CoverArt.SlotWait"/>.
    /// Throws only for transient trouble (storage), and then leaves no cover file behind.
    /// </summary>
    public async Task<CoverImages?> Prepare(string beatId, StoredFile upload, CancellationToken cancellationToken)
    {
        if (!CoverArt.Formats.Contains(upload.Format))
        {
            return new CoverImages(null, "A cover is a JPEG, PNG or WebP image.");
        }

        if (!await slots.WaitAsync(CoverArt.SlotWait, cancellationToken))
        {
            return null;
        }

        using var job = CatalogTelemetry.Source.StartActivity("cover.prepare");
        job?.SetTag("beatorleans.beat_id", beatId);
        string? work = null;
        try
        {
            work = WorkFolders.Create(Options, $"cover-{beatId}");
            var input = Path.Combine(work, $"upload.{upload.Format}");
            await blobs.Download(upload.Key, input, cancellationToken);
            var name = upload.Format.ToUpperInvariant();
            var (width, height) = await Measure(input, upload.Format, cancellationToken);
            if (width <= 0 || height <= 0)
            {
                return new CoverImages(null, $"The file is not a readable {name} image, or it has far more than "
                    + $"{CoverArt.MaxPixels / 1_000_000} million pixels.");
            }

            if ((long)width * height > CoverArt.MaxPixels)
            {
                return new CoverImages(null, $"The image is {width} x {height} pixels, more than "
                    + $"{CoverArt.MaxPixels / 1_000_000} million.");
            }

            if (Math.Min(width, height) < CoverArt.MinSide)
            {
                return new CoverImages(null, $"The image is {width} x {height} pixels; a cover needs at least "
                    + $"{CoverArt.MinSide} x {CoverArt.MinSide}.");
            }

            var large = Path.Combine(work, "large.jpg");
            var small = Path.Combine(work, "small.jpg");
            if (!await Encode(input, upload.Format, large, small, cancellationToken))
            {
                return new CoverImages(null, $"The file is not a readable {name} image.");
            }

            var version = Guid.NewGuid().ToString("N");
            try
            {
                await blobs.Upload(BlobKeys.Cover(beatId, version, "large"), large, "image/jpeg", cancellationToken);
                await blobs.Upload(BlobKeys.Cover(beatId, version, "small"), small, "image/jpeg", cancellationToken);
            }
            catch (Exception)
            {
                await Remove(BlobKeys.CoverFiles(beatId, version));
                throw;
            }

            return new CoverImages(version, null);
        }
        finally
        {
            slots.Release();
            if (work is not null)
            {
                WorkFolders.TryDelete(work, logger);
            }
        }
    }

    /// <summary>Removes the files of a version no beat takes; a failure leaves an unreachable file, logged.</summary>
    public async Task Remove(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                await blobs.Delete(key, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogRemoveFailed(logger, exception, key);
            }
        }
    }

    /// <summary>The picture's size from its header; zero when it cannot be read or is far too large.</summary>
    private async Task<(int Width, int Height)> Measure(string path, string format, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CoverArt.WorkTimeout);
        try
        {
            var analysis = await FFProbe.AnalyseAsync(path, FFmpeg, Untrusted(format), timeout.Token);
            return analysis.PrimaryVideoStream is { } picture ? (picture.Width ?? 0, picture.Height ?? 0) : (0, 0);
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException("FFmpeg (ffprobe) is not installed on the catalog silo.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, 0);
        }
        catch (Exception e) when (e is FFMpegException or FormatException or System.Text.Json.JsonException
            or InvalidOperationException)
        {
            LogUnreadable(logger, e, format);
            return (0, 0);
        }
    }

    /// <summary>One decode, two JPEGs: the centred square (at most the large side) and its thumbnail.</summary>
    private async Task<bool> Encode(string input, string format, string large, string small,
        CancellationToken cancellationToken)
    {
        var filter = string.Create(CultureInfo.InvariantCulture,
            $"[0:v:0]crop='min(iw,ih)':'min(iw,ih)',scale='min({CoverArt.LargeSide},iw)':'min({CoverArt.LargeSide},ih)'"
            + $":flags=lanczos,format=yuvj420p,split=2[large][rest];"
            + $"[rest]scale={CoverArt.SmallSide}:{CoverArt.SmallSide}:flags=lanczos[small]");
        // FFMpegCore names one output; the large one is named in the arguments before it.
        var processor = FFMpegArguments
            .FromFileInput(input, true, o => o.WithCustomArgument(Untrusted(format)))
            .OutputToFile(small, true, o => o.WithCustomArgument(
                $"-filter_complex {filter} -map [large] -frames:v 1 -map_metadata -1 -c:v mjpeg -q:v 3 -f image2 "
                + $"-y \"{large}\" -map [small] -frames:v 1 -map_metadata -1 -c:v mjpeg -q:v 4 -f image2"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CoverArt.WorkTimeout);
        using var span = CatalogTelemetry.Source.StartActivity("ffmpeg");
        span?.SetTag("process.command_args", processor.Arguments);
        try
        {
            await processor.CancellableThrough(timeout.Token).ProcessAsynchronously(true, FFmpeg, timeout.Token);
            return File.Exists(large) && File.Exists(small);
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException("FFmpeg is not installed on the catalog silo.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (FFMpegException e)
        {
            LogEncodeFailed(logger, e, processor.Arguments);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ffprobe could not read an uploaded {Format} cover")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string format);

    [LoggerMessage(Level = LogLevel.Information, Message = "FFmpeg could not make a cover: {Arguments}")]
    private static partial void LogEncodeFailed(ILogger logger, Exception exception, string arguments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the untaken cover file {Key} failed")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string key);
}
