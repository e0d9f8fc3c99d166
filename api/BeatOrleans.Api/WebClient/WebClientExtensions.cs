using BeatOrleans.Catalog.Files.Blobs;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace BeatOrleans.Api.WebClient;

/// <summary>
/// The web client (wwwroot: HTML, CSS and JavaScript modules, no build step) served by the API itself at <c>/</c>.
/// The files are embedded in the assembly, so the binary serves them from any working folder and any content root.
/// </summary>
public static class WebClientExtensions
{
    private const string IndexFile = "index.html";

    public static WebApplicationBuilder AddWebClient(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IFileProvider>(sp => new ManifestEmbeddedFileProvider(typeof(WebClientExtensions).Assembly, "wwwroot"));
        builder.Services.AddSingleton(sp => new WebClientPolicy(ContentSecurityPolicy.For(builder.Configuration.GetSection(BlobStorageOptions.Section).Get<BlobStorageOptions>() ?? new())));
        builder.Services.Configure<RouteOptions>(o => o.SetParameterPolicy<ClientRouteConstraint>(ClientRouteConstraint.Name));
        return builder;
    }

    /// <summary>The client's files (before authentication: they are public, and the fallback policy would refuse them).</summary>
    public static WebApplication UseWebClient(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<IFileProvider>();
        var policy = app.Services.GetRequiredService<WebClientPolicy>();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => policy.Apply(context.Context.Response, revalidate: true),
        });
        return app;
    }

    /// <summary><c>/</c> and the client's own routes (<c>/beats/{id}</c>, <c>/chat</c>...) answer index.html; the
    /// API's prefixes never do, so an unknown API path keeps its JSON 404 and a wrong method its 405.</summary>
    public static WebApplication MapWebClient(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<IFileProvider>();
        var policy = app.Services.GetRequiredService<WebClientPolicy>();
        app.MapMethods($"{{**path:nonfile:{ClientRouteConstraint.Name}}}", [HttpMethods.Get, HttpMethods.Head], async (HttpContext http) =>
        {
            var index = files.GetFileInfo(IndexFile);
            policy.Apply(http.Response, revalidate: false);
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.ContentLength = index.Length;
            if (HttpMethods.IsHead(http.Request.Method))
            {
                return;
            }

            await using var stream = index.CreateReadStream();
            await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
        })
        .WithOrder(int.MaxValue)
        .AllowAnonymous()
        .ExcludeFromDescription();
        return app;
    }
}

/// <summary>The headers every file of the client carries.</summary>
public sealed class WebClientPolicy(string contentSecurityPolicy)
{
    public string ContentSecurityPolicy { get; } = contentSecurityPolicy;

    public void Apply(HttpResponse response, bool revalidate)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // The files change with each build of the API: browsers revalidate (ETag) rather than keep an old module.
        response.Headers.CacheControl = revalidate ? "no-cache" : "no-store";
    }
}
