using Microsoft.Extensions.FileProviders;

namespace BeatOrleans.Api.WebClient;

/// <summary>The client's files and the headers every one of them carries.</summary>
public sealed class WebClientFiles(string contentSecurityPolicy)
{
    /// <summary>wwwroot as embedded in this assembly (the build writes its manifest).</summary>
    public IFileProvider Files { get; } = new ManifestEmbeddedFileProvider(typeof(WebClientFiles).Assembly, "wwwroot");

    public string ContentSecurityPolicy { get; } = contentSecurityPolicy;

    public void Apply(HttpResponse response, bool revalidate)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // The files change with each build of the API: browsers revalidate (ETag) rather than keep an old module.
        response.Headers.CacheControl = revalidate ? "no-cache" : "no-store";
    }
}
