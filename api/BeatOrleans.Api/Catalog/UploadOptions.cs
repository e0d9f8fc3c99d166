namespace BeatOrleans.Api.Catalog;

/// <summary>Section <c>Uploads</c>: how large an upload may be and how long signed URLs live.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest master accepted (200 MB by default); larger -> 413.</summary>
    public long MaxAudioBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Largest stems archive accepted.</summary>
    public long MaxStemsBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Largest voice tag accepted.</summary>
    public long MaxVoiceTagBytes { get; set; } = 5L * 1024 * 1024;

    /// <summary>Largest cover image accepted.</summary>
    public long MaxCoverBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>How long a stream URL plays.</summary>
    public TimeSpan StreamUrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an upload URL accepts its object.</summary>
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
