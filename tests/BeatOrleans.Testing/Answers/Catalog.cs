namespace BeatOrleans.Testing;

public sealed record LicenseView(string LicenseType, decimal Price, string Currency);

public sealed record BeatView(
    string BeatId, string Title, string Artist, string ProducerId, string FileUrl, decimal Price, string Currency, string? Genre, double? Bpm,
    string? Key, IReadOnlyList<string> Tags, double? DurationSeconds, string Status, string? FailureReason, IReadOnlyList<LicenseView> Licenses,
    DateTimeOffset CreatedAt, long Plays);

public sealed record BeatsPageView(IReadOnlyList<BeatView> Items, string? NextCursor);
