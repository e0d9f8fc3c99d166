using System.Text.RegularExpressions;
using BeatOrleans.Api.Auth;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Catalog;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BeatOrleans.Api.Catalog;

/// <summary>
/// A beat's cover art: <c>cover_url</c> (a square JPEG of at most 1000 pixels a side) and
/// <c>cover_thumbnail_url</c> (300 pixels); both null while the beat has none.
/// </summary>
public sealed record CoverResponse(string BeatId, string? CoverUrl, string? CoverThumbnailUrl)
{
    public static CoverResponse From(string beatId, string? cover, string baseUrl) =>
        new(beatId, Url(baseUrl, beatId, cover, "large"), Url(baseUrl, beatId, cover, "small"));

    /// <summary>Where a cover file is served: its version is in the address, so the answer never changes.</summary>
    public static string? Url(string baseUrl, string beatId, string? cover, string size) =>
        cover is null ? null : $"{baseUrl}/api/beats/{beatId}/cover/{cover}-{size}.jpg";
}

public static partial class CatalogEndpoints
{
    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/webp"];

    public static IEndpointRouteBuilder MapCoverEndpoints(this IEndpointRouteBuilder app)
    {
        var beats = app.MapGroup("/api/beats").WithTags("Beats");
        beats.MapPut("/{beat_id}/cover", PutCover).DisableAntiforgery().RequireRateLimiting(RateLimits.Uploads)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithName("PutCover")
            .WithSummary("Producer only: set the beat's cover art from a JPEG, PNG or WebP image sent as the body "
                + "(at least 300 x 300 pixels; cropped to a centred square, metadata removed).");
        beats.MapDelete("/{beat_id}/cover", DeleteCover)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("DeleteCover").WithSummary("Producer only: remove the beat's cover art.");
        beats.MapMethods("/{beat_id}/cover/{cover_file}", ["GET", "HEAD"], ServeCover).AllowAnonymous()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetCover")
            .WithSummary("A cover file named by a beat's cover_url or cover_thumbnail_url (image/jpeg, cached for a "
                + "year: a new cover gets a new address).");
        return app;
    }

    /// <summary>
    /// The image is streamed to an incoming key (the sweeper removes one a crash leaves), identified by its first
    /// bytes, and made into the cover on a catalog silo. Who may send it is checked before a byte of the body is read.
    /// </summary>
    private static async Task<Results<Ok<CoverResponse>, ValidationProblem, ProblemHttpResult>> PutCover(
        string beat_id, HttpContext http, IGrainFactory grains, IBlobStore blobs, IOptions<UploadOptions> options,
        ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var beat = await Find(grains, beat_id);
        if (beat is null)
        {
            return NotFound();
        }

        var caller = http.User.UserId();
        if (beat.ProducerId != caller)
        {
            return CoverNotYours();
        }

        if (beat.Status == BeatStatus.Sold)
        {
            return CoverOfSoldBeat();
        }

        var declared = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            ? type.MediaType.Value?.ToLowerInvariant() : null;
        if (declared is null || !ImageTypes.Contains(declared))
        {
            return Refusals.UnsupportedMediaType(
                "Send the image itself as the body, with Content-Type image/jpeg, image/png or image/webp.");
        }

        var max = options.Value.MaxCoverBytes;
        PreviewAndUploads.RaiseBodyLimit(http, max);
        var key = BlobKeys.Incoming(caller, $"cover-{EntityIds.New()}");
        try
        {
            long bytes;
            try
            {
                bytes = await blobs.Write(key, http.Request.Body, max, declared, cancellationToken);
            }
            catch (BlobTooLargeException)
            {
                return Refusals.TooLarge(max);
            }

            if (bytes == 0)
            {
                return Refusals.Invalid("body", "The body is empty; send the image.");
            }

            var head = await blobs.ReadHead(key, MediaFormats.HeadLength, cancellationToken);
            var format = MediaFormats.DetectImage(head);
            if (format is null)
            {
                return Refusals.UnsupportedMediaType(
                    "The body is not a JPEG, PNG or WebP image (told by its first bytes, not its Content-Type).");
            }

            var worker = grains.GetGrain<ICoverArtGrain>(Random.Shared.Next(CoverArt.WorkerKeys));
            var result = await worker.Apply(beat_id, caller, new StoredFile(key, format, bytes));
            if (result.Outcome == CoverOutcome.Busy)
            {
                // Nothing was made: the same request may simply be sent again.
                http.Response.Headers.RetryAfter = "5";
                return Refusals.Problem(StatusCodes.Status503ServiceUnavailable, "Covers are busy.",
                    "Every image slot of the catalogue stayed taken; send the cover again in a few seconds.");
            }

            return result.Outcome switch
            {
                CoverOutcome.Set => TypedResults.Ok(CoverResponse.From(beat_id, result.Cover, http.Request.BaseUrl())),
                CoverOutcome.NotProducer => CoverNotYours(),
                CoverOutcome.Sold => CoverOfSoldBeat(),
                CoverOutcome.Unusable => Refusals.Problem(StatusCodes.Status422UnprocessableEntity,
                    "The image cannot be a cover.", result.Reason),
                _ => NotFound(),
            };
        }
        finally
        {
            await RemoveUpload(blobs, key, logs);
        }
    }

    private static async Task<Results<Ok<CoverResponse>, ProblemHttpResult>> DeleteCover(
        string beat_id, HttpContext http, IGrainFactory grains)
    {
        if (!EntityIds.IsValid(beat_id))
        {
            return NotFound();
        }

        var outcome = await grains.GetGrain<IBeatGrain>(beat_id).SetCover(http.User.UserId(), null);
        return outcome switch
        {
            CoverOutcome.Set => TypedResults.Ok(CoverResponse.From(beat_id, null, http.Request.BaseUrl())),
            CoverOutcome.NotProducer => CoverNotYours(),
            CoverOutcome.Sold => CoverOfSoldBeat(),
            _ => NotFound(),
        };
    }

    /// <summary>
    /// Served without asking the beat: the address names a version no one can guess before the beat shows it, and a
    /// replaced or deleted beat's cover files are removed. Local files are sent with a year's caching; S3 covers are a
    /// redirect to a presigned URL (once S3 says the object is there), which may be cached for half its life.
    /// </summary>
    private static async Task<Results<RedirectHttpResult, PhysicalFileHttpResult, ProblemHttpResult>> ServeCover(
        string beat_id, string cover_file, HttpContext http, IBlobStore blobs, IOptions<BlobStorageOptions> storage)
    {
        var match = CoverFileName().Match(cover_file);
        if (!EntityIds.IsValid(beat_id) || !match.Success)
        {
            return Refusals.NotFound("No such cover.");
        }

        var lifetime = TimeSpan.FromHours(1);
        var key = BlobKeys.Cover(beat_id, match.Groups["version"].Value, match.Groups["size"].Value);
        // A presigned URL is signed whether or not its object exists: S3 is asked first, so a replaced or deleted
        // beat's cover answers 404 here as on local disk (where the file sender finds out by itself).
        if (storage.Value.IsS3 && await blobs.Size(key, http.RequestAborted) is null)
        {
            return Refusals.NotFound("No such cover.");
        }

        var served = BlobResults.Serve(blobs, key, "image/jpeg", lifetime);
        if (served is null)
        {
            return Refusals.NotFound("No such cover.");
        }

        http.Response.Headers.CacheControl = served.Result is RedirectHttpResult
            ? $"public, max-age={(int)(lifetime.TotalSeconds / 2)}"
            : "public, max-age=31536000, immutable";
        return served.Result switch
        {
            RedirectHttpResult redirect => redirect,
            PhysicalFileHttpResult physical => physical,
            _ => Refusals.NotFound("No such cover."),
        };
    }

    private static async Task RemoveUpload(IBlobStore blobs, string key, ILoggerFactory logs)
    {
        try
        {
            await blobs.Delete(key, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The unclaimed-upload sweeper removes it later.
            LogCoverUploadLeft(logs.CreateLogger(typeof(CatalogEndpoints)), exception, key);
        }
    }

    private static ProblemHttpResult CoverNotYours() =>
        Refusals.Forbidden("Only the beat's producer can change its cover.");

    private static ProblemHttpResult CoverOfSoldBeat() =>
        Refusals.Conflict("The beat is sold.", "The exclusive licence was sold; the beat's cover no longer changes.");

    [GeneratedRegex(@"^(?<version>[0-9a-f]{32})-(?<size>large|small)\.jpg\z")]
    private static partial Regex CoverFileName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the cover upload {Key} failed; the sweeper will")]
    private static partial void LogCoverUploadLeft(ILogger logger, Exception exception, string key);
}
