using System.Security.Cryptography;
using System.Text;
using BeatOrleans.Catalog.Files.Blobs;
using BeatOrleans.Catalog.Files.Formats;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Api.Catalog;

/// <summary>The seed's JSON upload: <c>file_url</c> must name an object the caller uploaded through an upload URL.</summary>
internal static class JsonUpload
{
    private const string UploadsPath = "/api/beats/uploads/";

    private const string UnknownFileUrl =
        "file_url must be the file_url an upload-url answer gave you, after you uploaded the audio to its upload_url (once; unclaimed uploads expire).";

    public static async Task<Results<Accepted<BeatResponse>, ValidationProblem, ProblemHttpResult>> Create(
        HttpContext http, IGrainFactory grains, IBlobStore blobs, UploadOptions limits, string caller,
        CancellationToken cancellationToken)
    {
        var request = await http.Request.ReadFromJsonAsync<JsonUploadRequest>(cancellationToken)
            ?? throw new BadHttpRequestException("The request body is empty.");
        var errors = new FieldErrors();
        var key = IncomingKey(request.FileUrl, caller);
        var size = key is null ? null : await blobs.Size(key, cancellationToken);
        // One upload is one beat: the beat's id follows from the upload, so audio PUT again to an upload URL already
        // claimed can neither become a second beat nor replace the first one's master.
        var beatId = key is null ? null : BeatOf(key);
        if (beatId is not null && await Claimed(blobs, beatId, cancellationToken))
        {
            return Refusals.Conflict("This upload is already a beat.",
                $"The file_url was claimed as beat {beatId}; ask upload-url for a new one to upload another beat.");
        }

        if (size is null)
        {
            errors.Add("file_url", UnknownFileUrl);
        }

        var fields = BeatFields.Parse(request.Title, request.Artist, request.Genre, BeatFields.JsonText(request.Bpm), request.Key,
            BeatFields.JsonTags(request.Tags, errors), BeatFields.JsonText(request.Price), BeatFields.JsonText(request.Licenses), false, errors);
        if (fields is null || errors.Any)
        {
            return errors.Problem();
        }

        if (size > limits.MaxAudioBytes)
        {
            await blobs.Delete(key!, cancellationToken);
            return Refusals.TooLarge(limits.MaxAudioBytes);
        }

        var head = await blobs.ReadHead(key!, MediaFormats.HeadLength, cancellationToken);
        if (MediaFormats.DetectAudio(head) is not { } format)
        {
            return Refusals.UnsupportedMediaType(
                $"The file is not audio in a supported format ({string.Join(", ", MediaFormats.Audio)}), judged by its content.");
        }

        // Claimed: the object leaves the incoming folder, whose unclaimed objects are deleted after a retention period.
        var master = BlobKeys.Master(beatId!, format);
        try
        {
            await blobs.Move(key!, master, cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            return Refusals.Invalid("file_url", UnknownFileUrl);
        }

        var beat = await CatalogEndpoints.Create(grains, beatId!, caller, fields,
            new StoredFile(master, format, size!.Value), null);
        if (beat is null)
        {
            // Claimed before by a beat since deleted (whose files are gone): the audio is removed with it.
            return Refusals.Conflict("This upload was a beat that was deleted.",
                $"The file_url was claimed as beat {beatId}, deleted since; ask upload-url for a new one.");
        }

        return TypedResults.Accepted($"/api/beats/{beatId}", BeatResponse.From(beat, http.Request.BaseUrl()));
    }

    private static string BeatOf(string incomingKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"beat-of-upload\n{incomingKey}")))[..32];

    /// <summary>Whether the beat an upload becomes has its master already (in any format).</summary>
    private static async Task<bool> Claimed(IBlobStore blobs, string beatId, CancellationToken cancellationToken)
    {
        foreach (var format in MediaFormats.Audio)
        {
            if (await blobs.Size(BlobKeys.Master(beatId, format), cancellationToken) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The caller's own incoming object a file_url names, or null: another user's upload is never reachable, and a
    /// file_url is the one an upload-url answer gave, without a query or fragment added.
    /// </summary>
    private static string? IncomingKey(string? fileUrl, string caller)
    {
        if (!Uri.TryCreate(fileUrl, UriKind.Absolute, out var uri)
            || !uri.AbsolutePath.StartsWith(UploadsPath, StringComparison.Ordinal)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return null;
        }

        var uploadId = uri.AbsolutePath[UploadsPath.Length..];
        return EntityIds.IsValid(uploadId) ? BlobKeys.Incoming(caller, uploadId) : null;
    }
}
