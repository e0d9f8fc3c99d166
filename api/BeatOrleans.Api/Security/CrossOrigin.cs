using BeatOrleans.Hosting.Startup;

namespace BeatOrleans.Api.Security;

/// <summary>
/// Browsers on other origins (a web client served elsewhere) may call the API when their origin is listed in
/// <c>Cors:Origins</c>; none is by default, so a browser page elsewhere cannot read any answer.
/// </summary>
public static class CrossOrigin
{
    public const string Setting = "Cors:Origins";

    /// <summary>Answer headers a browser script may read besides the safe-listed ones.</summary>
    private static readonly string[] Exposed =
        ["Location", "Retry-After", "Content-Range", "Accept-Ranges", "WWW-Authenticate", "ETag"];

    public static WebApplicationBuilder AddMarketplaceCors(this WebApplicationBuilder builder)
    {
        var origins = Origins(builder.Configuration.GetSection(Setting));
        foreach (var origin in origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.GetLeftPart(UriPartial.Authority) != origin.TrimEnd('/'))
            {
                throw new StartupSettingException($"{Setting}: '{origin}' is not an origin such as https://app.example.com (scheme and host, no path).");
            }
        }

        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                // Credentials: the SignalR JavaScript client negotiates with credentials on; the API itself reads no cookie.
                policy.WithOrigins([.. origins.Select(o => o.TrimEnd('/'))]).AllowAnyHeader().AllowAnyMethod().AllowCredentials()
                    .WithExposedHeaders(Exposed).SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            }
        }));
        return builder;
    }

    /// <summary>A list (<c>Cors:Origins:0</c>, ...) or one value with origins separated by ';' or ','.</summary>
    private static string[] Origins(IConfigurationSection section)
    {
        var listed = section.GetChildren().Select(c => c.Value).OfType<string>();
        var single = section.Value?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return [.. listed.Concat(single).Where(o => o.Length > 0).Distinct()];
    }
}
