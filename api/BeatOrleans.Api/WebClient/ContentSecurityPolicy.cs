using BeatOrleans.Catalog.Files.Blobs;

namespace BeatOrleans.Api.WebClient;

/// <summary>
/// The policy of the web client's pages: everything from this origin only (no inline script or style, no other
/// site), except the audio of previews and the cover images, which presigned URLs may serve from the S3 bucket's own
/// endpoint.
/// </summary>
public static class ContentSecurityPolicy
{
    public static string For(BlobStorageOptions blobs)
    {
        var media = "'self'";
        if (blobs.IsS3)
        {
            var endpoint = string.IsNullOrWhiteSpace(blobs.S3.PublicServiceUrl) ? blobs.S3.ServiceUrl : blobs.S3.PublicServiceUrl;
            media += Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? $" {uri.GetLeftPart(UriPartial.Authority)}" : " https://*.amazonaws.com";
        }

        // connect-src 'self' covers ws:/wss: to this host (CSP Level 3), which the live connection uses.
        return string.Join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            $"img-src {media} data:",
            "font-src 'self'",
            $"media-src {media}",
            "connect-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'");
    }
}
