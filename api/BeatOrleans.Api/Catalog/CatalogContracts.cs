using System.Text.Json;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Api.Catalog;

public sealed record LicenseResponse(string LicenseType, decimal Price, string Currency);

/// <summary>A beat as the contract shows it; <c>file_url</c> is where a client gets the beat's stream URL.</summary>
public sealed record BeatResponse(
    string BeatId,
    string Title,
    string Artist,
    string ProducerId,
    string FileUrl,
    decimal Price,
    string Currency,
    string? Genre,
    double? Bpm,
    string? Key,
    IReadOnlyList<string> Tags,
    double? DurationSeconds,
    string Status,
    string? FailureReason,
    IReadOnlyList<LicenseResponse> Licenses,
    DateTimeOffset CreatedAt,
    long Plays,
    string? CoverUrl,
    string? CoverThumbnailUrl)
{
    public static BeatResponse From(Beat b, string baseUrl) => new(
        b.BeatId, b.Title, b.Artist, b.ProducerId, StreamInfoUrl(baseUrl, b.BeatId), b.Price, b.Currency, b.Genre, b.Bpm, b.Key, b.Tags,
        b.DurationSeconds, b.Status.ToString().ToLowerInvariant(), b.FailureReason, ToLicenses(b.Licenses), b.CreatedAt,
        b.Plays,
        CoverResponse.Url(baseUrl, b.BeatId, b.Cover, "large"), CoverResponse.Url(baseUrl, b.BeatId, b.Cover, "small"));

    public static BeatResponse From(CatalogEntry e, string baseUrl) => new(
        e.BeatId, e.Title, e.Artist, e.ProducerId, StreamInfoUrl(baseUrl, e.BeatId), e.Price, e.Currency, e.Genre, e.Bpm, e.Key, e.Tags,
        e.DurationSeconds, "ready", null, ToLicenses(e.Licenses), e.CreatedAt, e.Plays,
        CoverResponse.Url(baseUrl, e.BeatId, e.Cover, "large"), CoverResponse.Url(baseUrl, e.BeatId, e.Cover, "small"));

    private static string StreamInfoUrl(string baseUrl, string beatId) => $"{baseUrl}/api/beats/stream/{beatId}";

    private static List<LicenseResponse> ToLicenses(IReadOnlyList<LicenseTier> tiers) =>
        [.. tiers.Select(t => new LicenseResponse(t.LicenseType, t.Price, t.Currency))];
}

public sealed record BeatsPageResponse(IReadOnlyList<BeatResponse> Items, string? NextCursor);

public sealed record StreamResponse(string BeatId, string StreamUrl);

public sealed record WaveformResponse(string BeatId, IReadOnlyList<float> Peaks);

/// <summary>
/// A producer's edit of a beat's describing fields: a field left out (or null) stays as it is, except <c>bpm</c>,
/// which null removes (a JSON element, so that null and left out can be told apart).
/// </summary>
public sealed record UpdateBeatRequest(
    string? Title, string? Artist, string? Genre, System.Text.Json.JsonElement Bpm, string? Key,
    IReadOnlyList<string>? Tags);

public sealed record DeletedResponse(string BeatId, bool Deleted);

public sealed record UploadUrlResponse(string UploadUrl, string FileUrl, DateTimeOffset ExpiresAt);

public sealed record VoiceTagResponse(string Format, long Bytes);

/// <summary>
/// What the local store's upload URL answers: the audio is kept as it came, and checked when an upload names it.
/// </summary>
public sealed record UploadReceivedResponse(string UploadId, long Bytes);

/// <summary>The seed's JSON upload: the audio is already uploaded through <c>upload_url</c>; <c>file_url</c> names it.</summary>
public sealed record JsonUploadRequest(
    string? Title,
    string? Artist,
    string? FileUrl,
    JsonElement? Price,
    string? Genre,
    JsonElement? Bpm,
    string? Key,
    JsonElement? Tags,
    JsonElement? Licenses);
