using BeatOrleans.Catalog.Files.Blobs;
using Microsoft.AspNetCore.StaticFiles;

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
        var blobs = builder.Configuration.GetSection(BlobStorageOptions.Section).Get<BlobStorageOptions>() ?? new();
        builder.Services.AddSingleton(new WebClientFiles(ContentSecurityPolicy.For(blobs)));
        builder.Services.Configure<RouteOptions>(o => o.SetParameterPolicy<ClientRouteConstraint>(ClientRouteConstraint.Name));
        return builder;
    }

    /// <summary>The client's files (before authentication: they are public, and the fallback policy would refuse them).</summary>
    public static WebApplication UseWebClient(this WebApplication app)
    {
        var client = app.Services.GetRequiredService<WebClientFiles>();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = client.Files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => client.Apply(context.Context.Response, revalidate: true),
        });
        return app;
    }

    /// <summary><c>/</c> and the client's own routes (<c>/beats/{id}</c>, <c>/chat</c>...) answer index.html; the
    /// API's prefixes never do, so an unknown API path keeps its JSON 404 and a wrong method its 405.</summary>
    public static WebApplication MapWebClient(this WebApplication app)
    {
        var client = app.Services.GetRequiredService<WebClientFiles>();
        app.MapMethods($"{{**path:nonfile:{ClientRouteConstraint.Name}}}", [HttpMethods.Get, HttpMethods.Head], async (HttpContext http) =>
        {
            var index = client.Files.GetFileInfo(IndexFile);
            client.Apply(http.Response, revalidate: false);
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
