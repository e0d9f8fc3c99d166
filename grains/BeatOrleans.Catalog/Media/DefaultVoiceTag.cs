using FFMpegCore;

namespace BeatOrleans.Catalog.Media;

/// <summary>
/// The tag used when a producer has not uploaded one: a 1.5 s chime at 1,760 Hz made by FFmpeg once per silo. No speech
/// synthesiser ships with the embedded profile, so the default tag is a tone; producers upload a spoken one.
/// </summary>
public sealed class DefaultVoiceTag : IDisposable
{
    public const double FrequencyHz = 1760;
    public const double DurationSeconds = 1.5;

    private readonly SemaphoreSlim gate = new(1);
    private string? path;

    public void Dispose() => gate.Dispose();

    public async Task<string> Path(FFOptions ffmpeg, CancellationToken cancellationToken)
    {
        if (path is not null && File.Exists(path))
        {
            return path;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (path is null || !File.Exists(path))
            {
                var target = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"beatorleans-default-tag-{Guid.NewGuid():N}.wav");
                await FFMpegArguments
                    .FromFileInput($"sine=frequency={FrequencyHz}:duration={DurationSeconds}:sample_rate=44100", false, o => o.ForceFormat("lavfi"))
                    .OutputToFile(target, true, o => o.WithCustomArgument("-af afade=t=in:d=0.05,afade=t=out:st=1.4:d=0.1,volume=0.5 -c:a pcm_s16le"))
                    .CancellableThrough(cancellationToken)
                    .ProcessAsynchronously(true, ffmpeg, cancellationToken);
                path = target;
            }

            return path;
        }
        finally
        {
            gate.Release();
        }
    }
}
