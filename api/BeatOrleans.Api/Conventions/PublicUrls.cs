using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace BeatOrleans.Api.Conventions;

/// <summary>
/// Where clients reach this API. Absolute URLs the API hands out (signed stream, upload and download URLs) start
/// with <see cref="PublicBaseUrl"/> when it is set, and never with a Host header a client made up: without it, the
/// request's host is used, and host filtering (<c>AllowedHosts</c>, loopback names by default) refuses any other.
/// </summary>
public sealed class PublicUrlOptions
{
    /// <summary>e.g. <c>https://beats.example.com</c>; behind a proxy or load balancer, what clients type.</summary>
    public Uri? PublicBaseUrl { get; set; }
}

public static class PublicUrls
{
    public static WebApplicationBuilder AddPublicUrls(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PublicUrlOptions>()
            .Bind(builder.Configuration)
            .Validate(o => o.PublicBaseUrl is null
                    || (o.PublicBaseUrl.IsAbsoluteUri && o.PublicBaseUrl.Scheme is "http" or "https" && string.IsNullOrEmpty(o.PublicBaseUrl.Query)),
                "PublicBaseUrl must be an absolute http(s) URL without a query, e.g. https://beats.example.com.")
            .ValidateOnStart();
        // The public host is always allowed, so setting PublicBaseUrl alone is enough behind a proxy.
        builder.Services.PostConfigure<HostFilteringOptions>(o =>
        {
            var host = builder.Configuration["PublicBaseUrl"] is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : null;
            if (host is not null && !o.AllowedHosts.Contains("*") && !o.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                o.AllowedHosts = [.. o.AllowedHosts, host];
            }
        });
        return builder;
    }

    /// <summary>The scheme and host absolute URLs start with, without a trailing slash.</summary>
    public static string BaseUrl(this HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<PublicUrlOptions>>().Value.PublicBaseUrl is { } configured
            ? configured.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : $"{request.Scheme}://{request.Host}";
}
