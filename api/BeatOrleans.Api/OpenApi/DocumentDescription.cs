using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>The document's own parts: what the API is, where it is, how callers authenticate, and its tags.</summary>
internal sealed class DocumentDescription(IOptions<PublicUrlOptions> urls) : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "Bearer";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Users", "Accounts, sessions (access and refresh tokens) and profiles."),
        ("Beats", "Uploads, processing, the catalogue, previews and waveforms."),
        ("Purchasing", "Licences, purchases, payments, downloads and sales."),
        ("Offers", "Offers in chat: a buyer proposes a price for one licence tier; the producer accepts, declines or counters."),
        ("Coupons", "A producer's coupon codes; buyers use them with coupon in POST /api/purchases."),
        ("Chat", "Direct messages between users; live delivery is on /hubs/marketplace and /ws/chat (docs/asyncapi.json)."),
        ("Notifications", "The caller's inbox; live delivery is on /hubs/marketplace and /ws/notifications (docs/asyncapi.json)."),
    ];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "BeatOrleans API";
        document.Info.Version = "1.0.0";
        document.Info.Description = "Beats marketplace: users, beats, purchases, chat and notifications. JSON is snake_case; "
            + "times are ISO-8601 UTC; money is in major units (29.99) with a currency; errors are RFC 9457 problems.";
        document.Info.License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" };
        document.Info.Contact = new OpenApiContact { Name = "BeatOrleans maintainers (issues in the project's repository)" };

        // The node's own address unless the deployment names its public one; a relative URL keeps the document
        // valid wherever it is served from (the API reference sends its requests to the same origin).
        var publicUrl = urls.Value.PublicBaseUrl?.GetLeftPart(UriPartial.Path).TrimEnd('/');
        document.Servers =
        [
            new OpenApiServer
            {
                Url = publicUrl ?? "/",
                Description = publicUrl is null
                    ? "This API node (local, staging or production: wherever the document is served from)."
                    : "The API's public address (production: PublicBaseUrl).",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(false) },
            },
        ];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The `token` from POST /api/users/login: an HS256 JWT of at most 15 minutes, checked against its session "
                + "on every request (RFC8725: one algorithm, issuer, audience, lifetime and signature always validated). "
                + "Renew it with POST /api/users/refresh.",
        };

        // Each operation declares its own security (anonymous ones an empty requirement), so none is inherited.
        document.Security = null;
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        return Task.CompletedTask;
    }
}
