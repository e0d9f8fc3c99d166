namespace BeatOrleans.Api.Security;

/// <summary>Marks an endpoint whose answer carries credentials or signed URLs: no cache may keep it.</summary>
public sealed class NoStoreMetadata
{
    public static readonly NoStoreMetadata Instance = new();
}

public static class SecurityHeaders
{
    /// <summary>The answer must not be stored by a browser or proxy (tokens, signed URLs).</summary>
    public static TBuilder NoStore<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(NoStoreMetadata.Instance);

    /// <summary>
    /// On every answer, errors included (the exception handler clears headers, so they are set as the answer starts):
    /// browsers must not sniff a type other than the one declared (a WAV with HTML appended stays audio), no page of
    /// this origin may be framed (the dashboard, the API reference), and no URL leaks through Referer (signed URLs).
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                }

                // An answer for a signed-in caller is theirs alone (sales, chats, notifications, profile): no browser
                // or proxy keeps it, unless the endpoint said how it may be cached.
                if (http.GetEndpoint()?.Metadata.GetMetadata<NoStoreMetadata>() is not null
                    || (http.User.Identity?.IsAuthenticated == true && !headers.ContainsKey("Cache-Control")))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
