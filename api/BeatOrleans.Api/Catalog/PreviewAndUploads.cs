using BeatOrleans.Api.Auth;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Catalog;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Catalog;

/// <summary>The byte-carrying endpoints: preview streaming, signed local uploads, voice tags.</summary>
internal static class PreviewAndUploads
{
    public static string PreviewGrant(string beatId, string playId, string listener, string origin) =>
        $"preview\n{beatId}\n{playId}\n{listener}\n{origin}";

    public static string UploadGrant(string userId, string uploadId) => $"upload\n{userId}\n{uploadId}";

    /// <summary>
    /// Local blobs are sent by ASP.NET's file sender (single ranges -> 206, unsatisfiable -> 416, If-None-Match,
    /// If-Modified-Since, If-Range; a request for several ranges gets the whole file, as RFC 9110 allows). S3 blobs are a
    /// redirect to a presigned URL, so the bytes never pass through the API. Either way the play is counted once per
    /// URL, and by the rules of <see cref="PlayListeners"/> for the listener and origin signed into the URL.
    /// </summary>
    public static async Task<Results<Results<RedirectHttpResult, PhysicalFileHttpResult>, ProblemHttpResult>> ServePreview(
        string beat_id, string? play, string? listener, string? origin, string? exp, string? sig, HttpContext http,
        IGrainFactory grains, IBlobStore blobs, SignedUrls signer)
    {
        if (play is null || listener is null || origin is null
            || !signer.Verify(PreviewGrant(beat_id, play, listener, origin), exp, sig))
        {
            return Refusals.Forbidden("The stream URL is invalid or has expired; ask GET /api/beats/stream/{beat_id} for a new one.");
        }

        var beat = await CatalogEndpoints.Find(grains, beat_id);
        if (beat?.PreviewKey is not { } key)
        {
            return CatalogEndpoints.NotFound();
        }

        if (HttpMethods.IsGet(http.Request.Method) && listener != PlayListeners.Producer)
        {
            await grains.GetGrain<IBeatGrain>(beat_id).RecordPlay(play, listener, origin);
        }

        http.Response.Headers.CacheControl = "private, max-age=300";
        return BlobResults.Serve(blobs, key, "audio/mpeg", TimeSpan.FromMinutes(5)) is { } blob ? blob : CatalogEndpoints.NotFound();
    }

    /// <summary>The local store's stand-in for a presigned PUT: the signature names the user and the upload.</summary>
    public static async Task<Results<Ok<UploadReceivedResponse>, ProblemHttpResult>> PutLocalUpload(
        string upload_id, string? user, string? exp, string? sig, HttpContext http, IBlobStore blobs, SignedUrls signer, IOptions<UploadOptions> options)
    {
        if (user is null || !EntityIds.IsValid(upload_id) || !signer.Verify(UploadGrant(user, upload_id), exp, sig))
        {
            return Refusals.Forbidden("The upload URL is invalid or has expired.");
        }

        var max = options.Value.MaxAudioBytes;
        RaiseBodyLimit(http, max);
        try
        {
            var bytes = await blobs.Write(BlobKeys.Incoming(user, upload_id), http.Request.Body, max, "application/octet-stream", http.RequestAborted);
            return TypedResults.Ok(new UploadReceivedResponse(upload_id, bytes));
        }
        catch (BlobTooLargeException)
        {
            return Refusals.TooLarge(max);
        }
    }

    public static async Task<Results<Ok<VoiceTagResponse>, ValidationProblem, ProblemHttpResult>> UploadVoiceTag(
        HttpContext http, IGrainFactory grains, IBlobStore blobs, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        if (!MultipartUpload.IsMultipart(http.Request))
        {
            return Refusals.UnsupportedMediaType("Upload the tag as multipart/form-data with a 'file' part.");
        }

        var caller = http.User.UserId();
        var max = options.Value.MaxVoiceTagBytes;
        RaiseBodyLimit(http, max);
        await using var upload = new MultipartUpload(blobs);
        var tagId = EntityIds.New();
        var refusal = await upload.Read(http.Request, format => BlobKeys.VoiceTag(caller, tagId, format), null, max, 0, cancellationToken);
        if (refusal is not null)
        {
            return refusal.Problem();
        }

        if (upload.Audio is not { } tag)
        {
            return Refusals.Invalid("file", "The 'file' part (the tag's audio) is required.");
        }

        await grains.GetGrain<IProducerGrain>(caller).SetVoiceTag(tag);
        upload.Keep();
        return TypedResults.Ok(new VoiceTagResponse(tag.Format, tag.Bytes));
    }

    /// <summary>The default 1 MiB body limit is for JSON; an upload may be as large as its parts allow, plus its fields.</summary>
    public static void RaiseBodyLimit(HttpContext http, long max)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = max + (1024 * 1024);
        }
    }
}
