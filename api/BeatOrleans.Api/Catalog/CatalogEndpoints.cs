using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Security;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Catalog;

public static partial class CatalogEndpoints
{
    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var beats = app.MapGroup("/api/beats").WithTags("Beats");
        beats.MapPost("/upload", Upload).DisableAntiforgery().RequireRateLimiting(RateLimits.Uploads)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("UploadBeat").WithSummary("Upload a beat: multipart (file + fields), or JSON naming a file_url from upload-url.");
        beats.MapPost("/upload/json", UploadJson).RequireRateLimiting(RateLimits.Uploads)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("UploadBeatJson")
            .WithSummary("Create a beat from audio sent to an upload URL: the seed's JSON form of the upload.");
        beats.MapPost("/upload-url", UploadUrl).NoStore().RequireRateLimiting(RateLimits.Uploads)
            .WithName("CreateUploadUrl").WithSummary("A short-lived URL to PUT audio to, and the file_url to name it by in an upload.");
        beats.MapPut("/uploads/{upload_id}", PreviewAndUploads.PutLocalUpload).AllowAnonymous()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName("PutUpload").WithSummary("Receives the audio for a signed upload URL (local blob storage).");
        beats.MapGet("/", Search).AllowAnonymous()
            .WithName("SearchBeats").WithSummary("Search and browse ready beats: full text, filters, sorts, cursor paging.");
        beats.MapGet("/mine", Mine).NoStore()
            .WithName("ListMyBeats")
            .WithSummary("Your own beats, newest first, in every status: processing, ready, failed and sold.");
        beats.MapGet("/{beat_id}", Get).AllowAnonymous().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetBeat").WithSummary("One beat: metadata, status, licences and plays.");
        beats.MapGet("/{beat_id}/waveform", Waveform).AllowAnonymous()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("GetWaveform").WithSummary("The beat's waveform peaks (0..1) for a player to draw.");
        beats.MapGet("/stream/{beat_id}", Stream).AllowAnonymous().NoStore()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("GetStreamUrl").WithSummary("A short-lived URL of the voice-tagged preview.");
        beats.MapMethods("/stream/{beat_id}/preview", ["GET", "HEAD"], PreviewAndUploads.ServePreview).AllowAnonymous()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("StreamPreview")
            .WithSummary("The preview's bytes, with Range support; counts one play per URL, at most one an hour per "
                + "listener.");
        beats.MapPut("/{beat_id}/stems", PutStems).DisableAntiforgery().RequireRateLimiting(RateLimits.Uploads)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("PutStems")
            .WithSummary("Producer only: add or replace the beat's stems (a zip) after the upload; licences sold "
                + "before keep theirs.");
        beats.MapPatch("/{beat_id}", Update)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithName("UpdateBeat")
            .WithSummary("Producer only: correct the title, artist, genre, BPM, key or tags; fields left out stay as "
                + "they are.");
        beats.MapDelete("/{beat_id}/delete", Delete)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DeleteBeat").WithSummary("Remove your beat from the catalogue; buyers keep their downloads.");
        app.MapCoverEndpoints();
        return app;
    }

    private static async Task<Results<Accepted<BeatResponse>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpContext http, IGrainFactory grains, IBlobStore blobs, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var caller = http.User.UserId();
        if (http.Request.HasJsonContentType())
        {
            return await JsonUpload.Create(http, grains, blobs, limits, caller, cancellationToken);
        }

        var beatId = EntityIds.New();

        if (!MultipartUpload.IsMultipart(http.Request))
        {
            return Refusals.UnsupportedMediaType("Upload as multipart/form-data (file + fields) or application/json (file_url).");
        }

        // The default 1 MiB body limit is for JSON; an upload may be as large as its parts' limits allow.
        PreviewAndUploads.RaiseBodyLimit(http, limits.MaxAudioBytes + limits.MaxStemsBytes);

        await using var upload = new MultipartUpload(blobs);
        var refusal = await upload.Read(http.Request, format => BlobKeys.Master(beatId, format), BlobKeys.Stems(beatId),
            limits.MaxAudioBytes, limits.MaxStemsBytes, cancellationToken);
        if (refusal is not null)
        {
            return refusal.Problem();
        }

        var errors = new FieldErrors();
        if (upload.Audio is null)
        {
            errors.Add("file", "The 'file' part (the audio) is required.");
        }

        var f = upload.Fields;
        var fields = BeatFields.Parse(f.GetValueOrDefault("title"), f.GetValueOrDefault("artist"), f.GetValueOrDefault("genre"),
            f.GetValueOrDefault("bpm"), f.GetValueOrDefault("key"), BeatFields.SplitTags(f.GetValueOrDefault("tags")),
            f.GetValueOrDefault("price"), f.GetValueOrDefault("licenses"), upload.Stems is not null, errors);
        if (fields is null || errors.Any)
        {
            return errors.Problem();
        }

        // A new id each time: never a beat deleted before.
        var beat = await Create(grains, beatId, caller, fields, upload.Audio!, upload.Stems)
            ?? throw new InvalidOperationException($"Beat {beatId} existed before its upload.");
        upload.Keep();
        return TypedResults.Accepted($"/api/beats/{beatId}", BeatResponse.From(beat, http.Request.BaseUrl()));
    }

    private static async Task<Results<Accepted<BeatResponse>, ValidationProblem, ProblemHttpResult>> UploadJson(
        HttpContext http, IGrainFactory grains, IBlobStore blobs, IOptions<UploadOptions> options,
        CancellationToken cancellationToken) =>
        http.Request.HasJsonContentType()
            ? await JsonUpload.Create(http, grains, blobs, options.Value, http.User.UserId(), cancellationToken)
            : Refusals.UnsupportedMediaType("Send the beat's fields as application/json, with the file_url an "
                + "upload-url answer gave you.");

    internal static async Task<Beat?> Create(
        IGrainFactory grains, string beatId, string caller, BeatFields fields, StoredFile audio, StoredFile? stems)
    {
        var artist = fields.Artist;
        if (artist is null)
        {
            var profile = await grains.GetGrain<IUserGrain>(caller).GetProfile();
            artist = profile?.Username ?? caller;
        }

        return await grains.GetGrain<IBeatGrain>(beatId).Create(new BeatDraft(
            caller, fields.Title, artist, fields.Genre, fields.Bpm, fields.Key, fields.Tags, fields.Licenses, audio, stems));
    }

    private static Results<Ok<UploadUrlResponse>, ProblemHttpResult> UploadUrl(HttpContext http, IBlobStore blobs, SignedUrls signer, IOptions<UploadOptions> options)
    {
        var caller = http.User.UserId();
        var uploadId = EntityIds.New();
        var lifetime = options.Value.UploadUrlLifetime;
        var expires = signer.Expiry(lifetime);
        var fileUrl = $"{http.Request.BaseUrl()}/api/beats/uploads/{uploadId}";
        var presigned = blobs.PresignUpload(BlobKeys.Incoming(caller, uploadId), "application/octet-stream", lifetime);
        var uploadUrl = presigned?.ToString() ?? $"{fileUrl}?user={caller}&{signer.Sign(PreviewAndUploads.UploadGrant(caller, uploadId), expires)}";
        return TypedResults.Ok(new UploadUrlResponse(uploadUrl, fileUrl, expires));
    }

    private static async Task<Results<Ok<BeatResponse>, ProblemHttpResult>> Get(string beat_id, HttpContext http, IGrainFactory grains)
    {
        var beat = await Find(grains, beat_id);
        if (beat is null)
        {
            return NotFound();
        }

        // The ETag names the version of the details, which an edit's If-Match compares; plays, status and prices move
        // without it, so a cache must ask every time (this route never answers 304).
        http.Response.Headers.ETag = beat.DetailsTag;
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Ok(BeatResponse.From(beat, http.Request.BaseUrl()));
    }

    /// <summary>
    /// The caller's beats from their producer list (kept since beats are uploaded with it; earlier ones are in the
    /// catalogue search while listed), each read from its beat; deleted ones are skipped.
    /// </summary>
    private static async Task<Results<Ok<BeatsPageResponse>, ValidationProblem>> Mine(
        HttpContext http, IGrainFactory grains, int? limit, string? cursor)
    {
        if (TimeKeyCursor.Check(limit, cursor, EntityIds.IsValid, out var after) is { } invalid)
        {
            return invalid;
        }

        var size = limit ?? Paging.DefaultLimit;
        var producer = grains.GetGrain<IProducerGrain>(http.User.UserId());
        var listed = await producer.GetBeats(after?.Time, after?.Key, size + 1);
        var page = listed.Take(size).ToList();
        var beats = await Task.WhenAll(page.Select(b => grains.GetGrain<IBeatGrain>(b.BeatId).GetBeat()));
        var next = listed.Count > size ? TimeKeyCursor.Write(page[^1].CreatedAt, page[^1].BeatId) : null;
        var baseUrl = http.Request.BaseUrl();
        var items = beats.OfType<Beat>().Select(b => BeatResponse.From(b, baseUrl)).ToList();
        return TypedResults.Ok(new BeatsPageResponse(items, next));
    }

    private static async Task<Results<Ok<WaveformResponse>, ProblemHttpResult>> Waveform(string beat_id, IGrainFactory grains)
    {
        var beat = await Find(grains, beat_id);
        if (beat is null)
        {
            return NotFound();
        }

        var peaks = await grains.GetGrain<IBeatGrain>(beat_id).GetPeaks();
        return peaks is null ? NotReady(beat) : TypedResults.Ok(new WaveformResponse(beat_id, peaks));
    }

    private static async Task<Results<Ok<StreamResponse>, ProblemHttpResult>> Stream(
        string beat_id, HttpContext http, IGrainFactory grains, SignedUrls signer, IOptions<UploadOptions> options)
    {
        var beat = await Find(grains, beat_id);
        if (beat is null)
        {
            return NotFound();
        }

        if (beat.Status != BeatStatus.Ready || beat.PreviewKey is null)
        {
            return NotReady(beat);
        }

        var play = EntityIds.New();
        var (listener, origin) = PlayListeners.Of(http, beat.ProducerId, signer);
        var query = signer.Sign(PreviewAndUploads.PreviewGrant(beat_id, play, listener, origin),
            signer.Expiry(options.Value.StreamUrlLifetime));
        var url = $"{http.Request.BaseUrl()}/api/beats/stream/{beat_id}/preview?play={play}";
        return TypedResults.Ok(new StreamResponse(beat_id, $"{url}&listener={listener}&origin={origin}&{query}"));
    }

    private static async Task<Results<Ok<DeletedResponse>, ProblemHttpResult>> Delete(string beat_id, HttpContext http, IGrainFactory grains)
    {
        if (!EntityIds.IsValid(beat_id))
        {
            return NotFound();
        }

        return await grains.GetGrain<IBeatGrain>(beat_id).Delete(http.User.UserId()) switch
        {
            DeleteOutcome.Deleted => TypedResults.Ok(new DeletedResponse(beat_id, true)),
            DeleteOutcome.NotProducer => Refusals.Forbidden("Only the beat's producer can delete it."),
            _ => NotFound(),
        };
    }

    private static async Task<Results<Ok<BeatResponse>, ValidationProblem, ProblemHttpResult>> Update(
        string beat_id, UpdateBeatRequest request, HttpContext http, IGrainFactory grains,
        [Microsoft.AspNetCore.Mvc.FromHeader(Name = "If-Match")] string? ifMatch)
    {
        if (!EntityIds.IsValid(beat_id))
        {
            return NotFound();
        }

        var errors = new FieldErrors();
        var edit = BeatFields.ParseEdit(request.Title, request.Artist, request.Genre, request.Bpm, request.Key,
            request.Tags, errors);
        if (edit is null)
        {
            return errors.Problem();
        }

        var result = await grains.GetGrain<IBeatGrain>(beat_id)
            .UpdateDetails(http.User.UserId(), edit with { IfMatch = EntityTags.Strong(ifMatch) });
        if (result.Beat is { } current)
        {
            http.Response.Headers.ETag = current.DetailsTag;
        }

        return result switch
        {
            { Outcome: DetailsOutcome.Updated, Beat: { } beat } =>
                TypedResults.Ok(BeatResponse.From(beat, http.Request.BaseUrl())),
            { Outcome: DetailsOutcome.Stale } => Refusals.Problem(StatusCodes.Status412PreconditionFailed,
                "The beat changed since you read it.",
                "Its details are not the version If-Match names: read the beat again (GET /api/beats/{beat_id} "
                + "answers its ETag) and make the edit on what it is now."),
            { Outcome: DetailsOutcome.NotProducer } => Refusals.Forbidden("Only the beat's producer can change it."),
            { Outcome: DetailsOutcome.Sold } => Refusals.Conflict("The beat is sold.",
                "The exclusive licence was sold; the beat is no longer edited."),
            _ => NotFound(),
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\+?[0-9]{1,9}(\.[0-9]{1,6})?\z")]
    private static partial System.Text.RegularExpressions.Regex PlainDecimal();

    private static async Task<Results<Ok<BeatsPageResponse>, ValidationProblem>> Search(
        HttpContext http, SearchCache searches, string? q, string? genre, string? producer_id, double? bpm_min, double? bpm_max,
        string? key, decimal? price_max, string? sort, int? limit, string? cursor)
    {
        var errors = new FieldErrors();
        CatalogSort order = CatalogSort.Newest;
        if (sort is not null && !SortNames.TryGetValue(sort, out order))
        {
            errors.Add("sort", $"sort is one of {string.Join(", ", SortNames.Keys)}.");
        }

        Paging.CheckLimit(limit, errors);
        if (q?.Length > 200)
        {
            errors.Add("q", "q is at most 200 characters.");
        }

        if (bpm_min < 0 || bpm_max < 0 || bpm_min > bpm_max || !double.IsFinite(bpm_min ?? 0) || !double.IsFinite(bpm_max ?? 0))
        {
            errors.Add("bpm_min", "bpm_min and bpm_max are positive numbers and bpm_min <= bpm_max.");
        }

        if (price_max < 0)
        {
            errors.Add("price_max", "price_max is positive.");
        }

        // Binding reads numbers with thousands separators ("1,5" became 15): only plain decimals are numbers here.
        foreach (var name in (string[])["bpm_min", "bpm_max", "price_max"])
        {
            if (http.Request.Query.TryGetValue(name, out var raw)
                && raw.Any(v => v is null || !PlainDecimal().IsMatch(v)))
            {
                errors.Add(name, $"{name} is a plain decimal number such as 140 or 29.99.");
            }
        }

        // No beat costs more than the highest price a tier may have: a larger cap filters nothing (and would overflow the store's numbers).
        price_max = price_max > BeatFields.MaxPrice ? BeatFields.MaxPrice : price_max;

        if (errors.Any)
        {
            return errors.Problem();
        }

        var page = await searches.Search(new CatalogQuery(
            q, genre, producer_id, bpm_min, bpm_max, key, price_max, order, limit ?? Paging.DefaultLimit, cursor));
        if (page is null)
        {
            return Paging.UnknownCursor("cursor is not one this search gave out (it belongs to the same sort).");
        }

        var baseUrl = http.Request.BaseUrl();
        return TypedResults.Ok(new BeatsPageResponse([.. page.Items.Select(e => BeatResponse.From(e, baseUrl))], page.NextCursor));
    }

    private static readonly Dictionary<string, CatalogSort> SortNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["newest"] = CatalogSort.Newest,
        ["price_asc"] = CatalogSort.PriceAsc,
        ["price_desc"] = CatalogSort.PriceDesc,
        ["popular"] = CatalogSort.Popular,
    };

    internal static async Task<Beat?> Find(IGrainFactory grains, string beatId) =>
        EntityIds.IsValid(beatId) ? await grains.GetGrain<IBeatGrain>(beatId).GetBeat() : null;

    internal static ProblemHttpResult NotFound() => Refusals.NotFound("No such beat.");

    private static ProblemHttpResult NotReady(Beat beat) => Refusals.Conflict("The beat is not ready.",
        beat.Status == BeatStatus.Failed ? $"Processing failed: {beat.FailureReason}" : $"The beat is {beat.Status.ToString().ToLowerInvariant()}.");
}
