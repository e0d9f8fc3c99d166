using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Purchasing;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Contracts.Catalog;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Catalog;

/// <summary>The beat's stems after the upload: what licences sold from now on deliver.</summary>
public sealed record StemsResponse(string BeatId, long Bytes, IReadOnlyList<LicenseOfferResponse> Licenses);

public static partial class CatalogEndpoints
{
    /// <summary>
    /// Stems sent after the upload (a producer who made the trackout later, or fixed a bounce): streamed to a key of
    /// their own, then handed to the beat. Who may send them is checked before a byte of the body is read.
    /// </summary>
    private static async Task<Results<Ok<StemsResponse>, ValidationProblem, ProblemHttpResult>> PutStems(
        string beat_id, HttpContext http, IGrainFactory grains, IBlobStore blobs, IOptions<UploadOptions> options,
        CancellationToken cancellationToken)
    {
        var beat = await Find(grains, beat_id);
        if (beat is null)
        {
            return NotFound();
        }

        var caller = http.User.UserId();
        if (beat.ProducerId != caller)
        {
            return StemsNotYours();
        }

        if (beat.Status == BeatStatus.Sold)
        {
            return StemsOfSoldBeat();
        }

        if (!MultipartUpload.IsMultipart(http.Request))
        {
            return Refusals.UnsupportedMediaType("Send the stems as the 'stems' part (a zip) of multipart/form-data.");
        }

        var max = options.Value.MaxStemsBytes;
        PreviewAndUploads.RaiseBodyLimit(http, max + (64 * 1024));
        await using var upload = new MultipartUpload(blobs);
        var refusal = await upload.Read(http.Request, audioKey: null, BlobKeys.Stems(beat_id, EntityIds.New()), 0, max,
            cancellationToken);
        if (refusal is not null)
        {
            return refusal.Problem();
        }

        if (upload.Stems is not { } stems)
        {
            return Refusals.Invalid("stems", "The 'stems' part (a zip of the track-outs) is required.");
        }

        var beatGrain = grains.GetGrain<IBeatGrain>(beat_id);
        StemsOutcome outcome;
        try
        {
            outcome = await beatGrain.AttachStems(caller, stems);
        }
        catch (Exception)
        {
            // The answer may have been lost (a timeout) after the beat stored the change: then the file is the beat's
            // now and must stay; otherwise the upload is removed as the failure is answered.
            if (!await NamesStems(beatGrain, stems))
            {
                throw;
            }

            outcome = StemsOutcome.Attached;
        }

        switch (outcome)
        {
            case StemsOutcome.Attached:
                upload.Keep();
                break;
            case StemsOutcome.NotProducer:
                return StemsNotYours();
            case StemsOutcome.Sold:
                return StemsOfSoldBeat();
            case StemsOutcome.TooManyReplacements:
                return Refusals.Conflict("The beat's stems were replaced too often.",
                    $"A beat keeps at most {StemsLimits.MaxReplaced} replaced stems for the buyers who licensed them; "
                    + "upload the beat again for new ones.");
            default:
                return NotFound();
        }

        var now = await beatGrain.GetBeat() ?? beat with { Stems = stems };
        return TypedResults.Ok(new StemsResponse(beat_id, stems.Bytes, LicensesResponse.From(now).Licenses));
    }

    /// <summary>Whether the beat names these stems; false when that cannot be told either (the upload goes).</summary>
    private static async Task<bool> NamesStems(IBeatGrain beat, StoredFile stems)
    {
        try
        {
            return (await beat.GetBeat())?.Stems?.Key == stems.Key;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static ProblemHttpResult StemsNotYours() =>
        Refusals.Forbidden("Only the beat's producer can send its stems.");

    private static ProblemHttpResult StemsOfSoldBeat() =>
        Refusals.Conflict("The beat is sold.", "The exclusive licence was sold; the beat takes no new stems.");
}
