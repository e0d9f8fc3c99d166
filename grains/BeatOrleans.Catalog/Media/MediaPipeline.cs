using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Catalog;
using FFMpegCore;
using FFMpegCore.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Catalog.Media;

/// <summary>What processing made of a master: the media, or why the file cannot become a beat.</summary>
public sealed record MediaOutcome(BeatMedia? Media, string? FailureReason);

/// <summary>
/// Turns a master into the voice-tagged preview, the untagged MP3 320k, the WAV and the waveform, with FFmpeg on local
/// files (FFMpegCore's pipe input was measured to lose the first 64 KiB on Linux). Untrusted input is read with a
/// forced demuxer and the protocol whitelist file,pipe, so a crafted file cannot make FFmpeg open URLs or other files.
/// At most <see cref="MediaOptions.MaxConcurrentJobs"/> beats are processed at once on this silo.
/// </summary>
public sealed partial class MediaPipeline(IBlobStore blobs, DefaultVoiceTag defaultTag, IOptions<MediaOptions> options, ILogger<MediaPipeline> logger) : IDisposable
{
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentJobs);

    private MediaOptions Options => options.Value;

    private FFOptions FFmpeg => new() { BinaryFolder = Options.FFmpegFolder, TemporaryFilesFolder = Path.GetTempPath() };

    /// <summary>Samples a second of the decoded mono 16-bit audio behind the waveform and the measured length.</summary>
    private const int PeaksRate = 8000;

    public void Dispose() => slots.Dispose();

    /// <summary>Processes one master. Throws only for transient trouble (storage, cancellation): the caller retries.</summary>
    public async Task<MediaOutcome> Process(string beatId, StoredFile master, StoredFile? voiceTag, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        using var job = CatalogTelemetry.Source.StartActivity("media.process");
        job?.SetTag("beatorleans.beat_id", beatId);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        string? work = null;
        try
        {
            // Inside the try: a folder that cannot be made must still give its slot back.
            work = WorkFolders.Create(Options, beatId);
            var masterPath = Path.Combine(work, $"master.{master.Format}");
            await blobs.Download(master.Key, masterPath, cancellationToken);
            var probe = await Probe(masterPath, master.Format, cancellationToken);
            if (probe.FailureReason is not null)
            {
                outcome = "unusable";
                return new MediaOutcome(null, probe.FailureReason);
            }

            // The length a header declares is not evidence (a FLAC's STREAMINFO can claim 10 s for 40 minutes): the
            // audio is decoded once, small (8 kHz mono, for the waveform), and stopped just past the limit; a longer
            // one is refused, and every output below stops at the limit, so a small file cannot decode into more.
            var pcmPath = Path.Combine(work, "peaks.pcm");
            var limit = Options.MaxDurationSeconds + 1;
            await Encode(FFMpegArguments
                .FromFileInput(masterPath, true, o => UntrustedInput(o, master.Format))
                .OutputToFile(pcmPath, true, o => o.WithCustomArgument(FormattableString.Invariant(
                    $"-map 0:a:0 -ac 1 -ar {PeaksRate} -f s16le -c:a pcm_s16le -t {limit:0.###}"))), cancellationToken);
            var decoded = new FileInfo(pcmPath).Length / (PeaksRate * 2.0);
            var refusal = decoded > Options.MaxDurationSeconds ? TooLong()
                : decoded <= 0 ? $"The file holds no {master.Format} audio."
                : DecodedTooLarge(master, probe, decoded);
            if (refusal is not null)
            {
                outcome = "unusable";
                return new MediaOutcome(null, refusal);
            }

            // The outputs stop at the limit too, not at the measured length: -t counts the stream's timestamps, and a
            // stream with a gap (a damaged page) has fewer samples than seconds, so its tail would be cut off.
            var length = FormattableString.Invariant($"-t {limit:0.###}");
            var tagPath = voiceTag is null ? await defaultTag.Path(FFmpeg, cancellationToken) : await DownloadTag(voiceTag, work, cancellationToken);
            // The stored tag's format was identified at its upload; the default tag is a WAV.
            var tagFormat = voiceTag?.Format ?? "wav";
            var previewPath = Path.Combine(work, "preview.mp3");
            var mp3Path = Path.Combine(work, "untagged.mp3");
            var wavPath = Path.Combine(work, "deliverable.wav");
            await Encode(FFMpegArguments
                .FromFileInput(masterPath, true, o => UntrustedInput(o, master.Format))
                .AddFileInput(tagPath, true, o => UntrustedInput(o, tagFormat))
                .OutputToFile(previewPath, true, o => o
                    .WithCustomArgument($"-filter_complex {TagMix(Options.TagInterval)} -map [preview]")
                    .WithAudioCodec("libmp3lame").WithAudioBitrate(128)
                    .WithCustomArgument($"-map_metadata -1 {length}")),
                cancellationToken);
            await Encode(FFMpegArguments
                .FromFileInput(masterPath, true, o => UntrustedInput(o, master.Format))
                .OutputToFile(mp3Path, true, o => o.WithCustomArgument($"-map 0:a:0 {length}")
                    .WithAudioCodec("libmp3lame").WithAudioBitrate(320)), cancellationToken);
            // Even a WAV master is written anew: the deliverable holds the audio alone, never what was appended to the
            // upload (a WAV with an HTML page after its data chunk was accepted and served back as it came) or its
            // metadata chunks. "copy" keeps a WAV's samples bit for bit; lossless masters keep their resolution; a lossy
            // one gains nothing from more than 16 bits.
            var codec = master.Format switch
            {
                "wav" => "copy",
                "flac" or "aiff" => "pcm_s24le",
                _ => "pcm_s16le",
            };
            await Encode(FFMpegArguments
                .FromFileInput(masterPath, true, o => UntrustedInput(o, master.Format))
                .OutputToFile(wavPath, true, o => o
                    .WithCustomArgument($"-map 0:a:0 -c:a {codec} -map_metadata -1 {length} -f wav")),
                cancellationToken);
            var wav = await Store(BlobKeys.Wav(beatId), wavPath, "wav", cancellationToken);

            var media = new BeatMedia(
                Math.Round(decoded, 3),
                probe.SampleRate,
                probe.Channels,
                await Store(BlobKeys.Preview(beatId), previewPath, "mp3", cancellationToken),
                await Store(BlobKeys.UntaggedMp3(beatId), mp3Path, "mp3", cancellationToken),
                wav,
                await Waveform.Peaks(pcmPath, Options.WaveformPoints, cancellationToken));
            outcome = "ready";
            return new MediaOutcome(media, null);
        }
        catch (MediaUnusableException unusable)
        {
            outcome = "unusable";
            return new MediaOutcome(null, unusable.Message);
        }
        finally
        {
            job?.SetTag("beatorleans.outcome", outcome);
            job?.SetStatus(outcome == "ready" ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
            CatalogTelemetry.Processed(Stopwatch.GetElapsedTime(started), outcome);
            slots.Release();
            if (work is not null)
            {
                WorkFolders.TryDelete(work, logger);
            }
        }
    }

    /// <summary>
    /// The tag, resampled to the beat's format, padded with silence to one interval and looped for ever; mixed over the
    /// beat without normalisation (which would halve the beat's level) and limited so the sum does not clip.
    /// </summary>
    private static string TagMix(TimeSpan interval)
    {
        var seconds = interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var samples = (long)(interval.TotalSeconds * 44100);
        const string Format = "aresample=44100,aformat=sample_fmts=fltp:channel_layouts=stereo";
        return $"[0:a:0]{Format}[beat];[1:a:0]{Format},apad=whole_dur={seconds},aloop=loop=-1:size={samples}[tag];"
            + "[beat][tag]amix=inputs=2:duration=first:dropout_transition=0:normalize=0,alimiter=limit=0.97[preview]";
    }

    /// <summary>Why the WAV would be too large (<see cref="MediaOptions.MaxDeliverableBytes"/>), if it would.</summary>
    private string? DecodedTooLarge(StoredFile master, ProbeResult probe, double seconds)
    {
        if (master.Format == "wav")
        {
            // Copied as it came (its samples bit for bit): no larger than the upload.
            return null;
        }

        var bytesPerSample = master.Format is "flac" or "aiff" ? 3 : 2;
        var wav = seconds * probe.SampleRate * Math.Max(1, probe.Channels) * bytesPerSample;
        const double Floor = 64 * 1024 * 1024;
        return wav > Options.MaxDeliverableBytes || (wav > Floor && wav > 40.0 * master.Bytes)
            ? $"The audio decodes to {wav / 1e6:0} MB, far more than a master of {master.Bytes / 1e6:0.#} MB holds "
                + $"(at most {Options.MaxDeliverableBytes / 1e6:0} MB, and 40 times the file above 64 MiB)."
            : null;
    }

    private string TooLong() => $"The beat is longer than the limit of {Options.MaxDurationSeconds / 60:0.#} minutes.";

    private static void UntrustedInput(FFMpegInputOptions input, string format) =>
        input.WithCustomArgument("-protocol_whitelist file,pipe").ForceFormat(Demuxer(format));

    private static string Demuxer(string format) => format switch
    {
        "aiff" => "aiff",
        "flac" => "flac",
        "mp3" => "mp3",
        "ogg" => "ogg",
        _ => "wav",
    };

    private async Task<ProbeResult> Probe(string path, string format, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ProbeTimeout);
        IMediaAnalysis analysis;
        using var span = CatalogTelemetry.Source.StartActivity("ffprobe");
        try
        {
            analysis = await FFProbe.AnalyseAsync(path, FFmpeg, $"-protocol_whitelist file,pipe -f {Demuxer(format)}", timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Unusable($"The file could not be read as {format} audio within {Options.ProbeTimeout.TotalSeconds:0} s.");
        }
        catch (Win32Exception)
        {
            return ProbeResult.Unusable("FFmpeg (ffprobe) is not installed on the processing silo.");
        }
        catch (Exception e) when (e is FFMpegException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            LogUnreadable(logger, e, path);
            return ProbeResult.Unusable($"The file is not readable {format} audio.");
        }

        if (analysis.PrimaryAudioStream is not { } audio || analysis.Duration <= TimeSpan.Zero)
        {
            return ProbeResult.Unusable($"The file holds no {format} audio.");
        }

        if (analysis.Duration.TotalSeconds > Options.MaxDurationSeconds)
        {
            return ProbeResult.Unusable(TooLong());
        }

        return new ProbeResult(audio.SampleRateHz ?? 0, audio.Channels ?? 0, null);
    }

    private async Task Encode(FFMpegArgumentProcessor processor, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.EncodeTimeout);
        // Each FFmpeg run is a span of its own, with its command line (work-folder paths, no credentials).
        using var span = CatalogTelemetry.Source.StartActivity("ffmpeg");
        span?.SetTag("process.command_args", processor.Arguments);
        try
        {
            await processor.CancellableThrough(timeout.Token).ProcessAsynchronously(true, FFmpeg, timeout.Token);
        }
        catch (Win32Exception)
        {
            throw new MediaUnusableException("FFmpeg is not installed on the processing silo.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaUnusableException($"Encoding took longer than {Options.EncodeTimeout.TotalMinutes:0} minutes.");
        }
        catch (FFMpegException e)
        {
            LogEncodeFailed(logger, e, processor.Arguments);
            throw new MediaUnusableException("FFmpeg could not decode the file.");
        }
    }

    private async Task<string> DownloadTag(StoredFile tag, string work, CancellationToken cancellationToken)
    {
        var path = Path.Combine(work, $"tag.{tag.Format}");
        await blobs.Download(tag.Key, path, cancellationToken);
        return path;
    }

    private async Task<StoredFile> Store(string key, string path, string format, CancellationToken cancellationToken)
    {
        await blobs.Upload(key, path, MediaFormats.ContentType(format), cancellationToken);
        return new StoredFile(key, format, new FileInfo(path).Length);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ffprobe could not read {Path}")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FFmpeg failed: {Arguments}")]
    private static partial void LogEncodeFailed(ILogger logger, Exception exception, string arguments);

    private sealed record ProbeResult(int SampleRate, int Channels, string? FailureReason)
    {
        public static ProbeResult Unusable(string reason) => new(0, 0, reason);
    }

    private sealed class MediaUnusableException(string message) : Exception(message);
}
