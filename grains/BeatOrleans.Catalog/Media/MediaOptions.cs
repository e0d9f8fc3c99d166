namespace BeatOrleans.Catalog.Media;

/// <summary>Section <c>Media</c>: FFmpeg and the preview it makes.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>Folder holding ffmpeg and ffprobe; empty means the PATH.</summary>
    public string FFmpegFolder { get; set; } = "";

    /// <summary>Beats processed at once on one silo, hence the most FFmpeg runs beats make; default: cores.</summary>
    public int MaxConcurrentJobs { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Cover images made at once on one silo (each FFmpeg run may hold up to ~320 MB decoding a 40-megapixel
    /// picture), on top of <see cref="MaxConcurrentJobs"/>; default 2.
    /// </summary>
    public int MaxConcurrentCovers { get; set; } = 2;

    /// <summary>ffprobe gets this long to read an upload; a file it cannot read in time is not audio we can use.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One FFmpeg run may take this long (a 200 MB WAV takes well under a minute on one core).</summary>
    public TimeSpan EncodeTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The voice tag plays at the start of each interval of the preview.</summary>
    public TimeSpan TagInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Scratch folder for masters and outputs while a beat is processed; empty means the system temp folder.</summary>
    public string WorkFolder { get; set; } = "";

    /// <summary>Longest master accepted, in seconds; longer uploads end failed.</summary>
    public double MaxDurationSeconds { get; set; } = 30 * 60;

    /// <summary>
    /// Largest WAV deliverable a master may decode to, in bytes (its length times its sample rate, channels and sample
    /// size): a 30-minute 96 kHz 24-bit stereo master makes about 1.04 GB. A master that would decode to more, or to
    /// more than 64 MiB and over 40 times its own size (music compresses to a quarter losslessly and a twentieth at
    /// 64 kbps; long silence at a high rate compresses a thousandfold), ends failed.
    /// </summary>
    public long MaxDeliverableBytes { get; set; } = 1L << 30;

    /// <summary>Points in the waveform a player draws.</summary>
    public int WaveformPoints { get; set; } = 800;

    /// <summary>The names of wrong settings, empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxConcurrentJobs < 1 || MaxConcurrentCovers < 1)
        {
            problems.Add($"{Section}:MaxConcurrentJobs and {Section}:MaxConcurrentCovers must be at least 1.");
        }

        if (ProbeTimeout <= TimeSpan.Zero || EncodeTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:ProbeTimeout and {Section}:EncodeTimeout must be positive.");
        }

        if (TagInterval < TimeSpan.FromSeconds(5))
        {
            problems.Add($"{Section}:TagInterval must be at least 5 seconds.");
        }

        if (WaveformPoints is < 10 or > 10_000)
        {
            problems.Add($"{Section}:WaveformPoints must be between 10 and 10000.");
        }

        if (MaxDeliverableBytes < 1_000_000)
        {
            problems.Add($"{Section}:MaxDeliverableBytes must be at least 1000000.");
        }

        return problems;
    }
}
