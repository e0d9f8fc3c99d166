using System.Globalization;
using BeatOrleans.Catalog.Files.Blobs;
using Microsoft.Net.Http.Headers;

namespace BeatOrleans.Api.Catalog;

/// <summary>
/// How the API hands out a stored blob: S3 blobs as a redirect to a short presigned URL (the bytes never pass through
/// the API), local blobs through ASP.NET's file sender (single ranges -> 206, unsatisfiable -> 416, If-None-Match,
/// If-Modified-Since, If-Range; several ranges get the whole file, as RFC 9110 allows). Null when the file is gone.
/// </summary>
internal static class BlobResults
{
    public static Results<RedirectHttpResult, PhysicalFileHttpResult>? Serve(IBlobStore blobs, string key, string contentType, TimeSpan urlLifetime, string? downloadName = null)
    {
        var location = blobs.Locate(key, urlLifetime, downloadName);
        if (location.Url is { } url)
        {
            return TypedResults.Redirect(url.ToString());
        }

        var file = new FileInfo(location.LocalPath!);
        if (!file.Exists)
        {
            return null;
        }

        var tag = new EntityTagHeaderValue($"\"{file.Length.ToString("x", CultureInfo.InvariantCulture)}-{file.LastWriteTimeUtc.Ticks.ToString("x", CultureInfo.InvariantCulture)}\"");
        return TypedResults.PhysicalFile(file.FullName, contentType, downloadName, file.LastWriteTimeUtc, tag, enableRangeProcessing: true);
    }
}
