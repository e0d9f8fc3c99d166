using BeatOrleans.Api.Chat;
using BeatOrleans.Api.Purchasing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>
/// Each operation's own contract beyond its handler's types: who may call it, the answers every request can get
/// (401 without a valid token, 429 where a limit applies, 500, 503 while a domain's silos are down), the bounds of
/// its parameters, the headers of its answers, unique ids for HEAD twins, and an example of its request.
/// </summary>
internal sealed class OperationContracts : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        operation.Responses ??= [];

        operation.Security = anonymous
            ? [new OpenApiSecurityRequirement()]
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentDescription.BearerScheme, document)] = [] }];
        if (!anonymous)
        {
            Problem(operation, document, 401, "No valid access token (missing, expired, or its session ended).",
                ("WWW-Authenticate", Header("Bearer", "The scheme to authenticate with.")));
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any() || operation.Responses.ContainsKey("429"))
        {
            Problem(operation, document, 429, "Too many requests from this client or for this account; wait Retry-After seconds.",
                ("Retry-After", RetryAfter()));
        }

        if (operation.RequestBody?.Content?.ContainsKey("application/json") == true)
        {
            if (!operation.Responses.ContainsKey("400"))
            {
                Problem(operation, document, 400, "The body is not valid JSON for this operation.", validation: true);
            }

            Problem(operation, document, 415, "The body is not of a media type this operation reads.");
        }

        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true && !operation.Responses.ContainsKey("400"))
        {
            // Kestrel refuses a request target it cannot decode (a NUL in the path) before any endpoint runs.
            operation.Responses["400"] = new OpenApiResponse { Description = "The request line is malformed (e.g. a NUL character in the path); no body." };
        }

        Problem(operation, document, 500, "An unexpected error (no details are given).");
        if (operation.OperationId != "PutUpload")
        {
            Problem(operation, document, 503, "The silos of a domain this operation needs are unavailable; try again shortly.",
                ("Retry-After", RetryAfter()));
        }

        Parameters.Bound(operation);
        Locations(operation);
        FileAnswers.Describe(operation);
        if (operation.OperationId is { } id && Examples.Requests.TryGetValue(id, out var example)
            && operation.RequestBody?.Content is { } content && content.TryGetValue("application/json", out var json))
        {
            json.Example = example();
        }

        if (context.Description.HttpMethod == "HEAD")
        {
            // GET and HEAD share a route name; operation ids must be unique, and a HEAD answer has no body.
            operation.OperationId += "Head";
            operation.Summary += " (headers only)";
            foreach (var response in operation.Responses.Values.OfType<OpenApiResponse>())
            {
                response.Content = null;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Adds a problem answer unless the operation already declares that status.</summary>
    public static void Problem(OpenApiOperation operation, OpenApiDocument document, int status, string description,
        (string Name, OpenApiHeader Header)? header = null, bool validation = false)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        operation.Responses ??= [];
        var response = operation.Responses.TryGetValue(key, out var declared) && declared is OpenApiResponse known ? known : new OpenApiResponse();
        response.Description = description;
        if (response.Content is null || response.Content.Count == 0)
        {
            var schema = validation ? ProblemSchemas.ValidationProblem : ProblemSchemas.Problem;
            response.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document) },
            };
        }

        if (header is { } h)
        {
            response.Headers = Headers(h);
        }

        operation.Responses[key] = response;
    }

    /// <summary>
    /// Answer headers; each set names Access-Control-Allow-Origin, which the API sends to the origins of the
    /// <c>Cors:Origins</c> setting (none by default).
    /// </summary>
    public static Dictionary<string, IOpenApiHeader> Headers(params (string Name, OpenApiHeader Header)[] headers)
    {
        var all = headers.ToDictionary(h => h.Name, IOpenApiHeader (h) => h.Header);
        all["Access-Control-Allow-Origin"] = Header(null, "Present when the request's Origin is one of the Cors:Origins setting.", maxLength: 2048);
        return all;
    }

    public static OpenApiHeader Header(string? example, string description, int maxLength = 256, bool required = false) => new()
    {
        Description = description,
        Required = required,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength },
        Example = example is null ? null : System.Text.Json.Nodes.JsonValue.Create(example),
    };

    private static OpenApiHeader RetryAfter() => new()
    {
        Description = "Seconds to wait before trying again.",
        Required = true,
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "86400" },
    };

    private static readonly string[] CreatedStatuses = ["201", "202"];

    /// <summary>201 and 202 answers say where the created resource is.</summary>
    private static void Locations(OpenApiOperation operation)
    {
        foreach (var response in CreatedStatuses.Select(s => operation.Responses!.TryGetValue(s, out var r) ? r : null).OfType<OpenApiResponse>())
        {
            response.Headers = Headers(("Location", Header(null, "The path of the created or processing resource.", required: true)));
        }
    }
}

/// <summary>Bounds of the path, query and header parameters, as the endpoints check them.</summary>
internal static class Parameters
{
    private static readonly Dictionary<string, Action<OpenApiSchema>> ByName = new()
    {
        ["beat_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["purchase_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["chat_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["upload_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["play"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["user"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["user_id"] = WireSchemas.Text(64, 1),
        ["producer_id"] = WireSchemas.Text(32, 32, WireSchemas.HexId),
        ["file"] = WireSchemas.OneOf(["mp3", "wav", "stems"]),
        ["limit"] = WireSchemas.Int(1, PurchasingEndpoints.MaxPageSize),
        ["cursor"] = WireSchemas.Text(WireSchemas.MaxCursorLength, 1),
        ["q"] = WireSchemas.Text(200),
        ["genre"] = WireSchemas.Text(Catalog.BeatFields.MaxGenreLength),
        ["key"] = WireSchemas.Text(Catalog.BeatFields.MaxKeyLength),
        ["bpm_min"] = WireSchemas.Number(0, null),
        ["bpm_max"] = WireSchemas.Number(0, null),
        ["price_max"] = WireSchemas.Number(0, null),
        ["sort"] = WireSchemas.OneOf(["newest", "price_asc", "price_desc", "popular"]),
        ["before"] = WireSchemas.Text(52, 34, WireSchemas.MessageId),
        ["after"] = WireSchemas.Text(52, 34, WireSchemas.MessageId),
        ["status"] = WireSchemas.OneOf(["unread", "all"]),
        ["exp"] = WireSchemas.Text(19, 1, "^[0-9]{1,19}$"),
        ["sig"] = WireSchemas.Text(64, 1, "^[A-Za-z0-9_-]+$"),
        ["Idempotency-Key"] = WireSchemas.Text(PurchaseIds.MaxKeyLength, 1, "^[!-~]+$"),
    };

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["limit"] = "Page size, 1 to 100 (default 20; chat messages 50).",
        ["cursor"] = "The next_cursor of the previous page.",
        ["Idempotency-Key"] = "Repeat a request with the same key and body to get the first answer again; another body answers 422.",
        ["exp"] = "Expiry of the signed URL (Unix seconds).",
        ["sig"] = "Signature of the signed URL.",
        ["q"] = "Full-text search over title, artist, genre and tags.",
    };

    public static void Bound(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name is { } name && ByName.TryGetValue(name, out var rule) && parameter.Schema is { } schema)
            {
                var bounded = WireSchemas.Copy(schema);
                rule(bounded);
                parameter.Schema = bounded;
                parameter.Description ??= Descriptions.GetValueOrDefault(name);
            }
        }

        if (operation.OperationId == "StripeWebhook")
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Purchasing.StripeWebhook.SignatureHeader,
                In = ParameterLocation.Header,
                Required = true,
                Description = "Stripe's signature of the body (t=...,v1=...), checked with Payments:Stripe:WebhookSecret.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1024 },
            });
        }
    }
}

/// <summary>The byte-serving operations: ranges, conditional requests, and redirects to S3.</summary>
internal static class FileAnswers
{
    public static void Describe(OpenApiOperation operation)
    {
        var mediaType = operation.OperationId switch
        {
            "StreamPreview" => "audio/mpeg",
            "DownloadFile" => "application/octet-stream",
            _ => null,
        };
        if (mediaType is null)
        {
            return;
        }

        var bytes = new Dictionary<string, OpenApiMediaType>
        {
            [mediaType] = new() { Schema = new OpenApiSchema { ContentMediaType = mediaType, Description = "The file's bytes." } },
        };
        if (mediaType != "audio/mpeg")
        {
            bytes["audio/wav"] = new() { Schema = new OpenApiSchema { ContentMediaType = "audio/wav" } };
            bytes["audio/mpeg"] = new() { Schema = new OpenApiSchema { ContentMediaType = "audio/mpeg" } };
            bytes["application/zip"] = new() { Schema = new OpenApiSchema { ContentMediaType = "application/zip" } };
        }

        var length = ("Content-Length", OperationContracts.Header(null, "Bytes in this answer.", maxLength: 20));
        var ranges = ("Accept-Ranges", OperationContracts.Header("bytes", "Byte ranges are served."));
        var tag = ("ETag", OperationContracts.Header(null, "The file's version, for If-None-Match and If-Range."));
        operation.Responses!["200"] = new OpenApiResponse
        {
            Description = "The whole file.",
            Content = bytes,
            Headers = OperationContracts.Headers(length, ranges, tag),
        };
        operation.Responses["206"] = new OpenApiResponse
        {
            Description = "The requested range (Range: bytes=...).",
            Content = bytes,
            Headers = OperationContracts.Headers(length, ranges, tag,
                ("Content-Range", OperationContracts.Header("bytes 0-1023/480000", "Which bytes of the file this is.", required: true))),
        };
        operation.Responses["302"] = new OpenApiResponse
        {
            Description = "S3 storage: a short-lived presigned URL of the file.",
            Headers = OperationContracts.Headers(("Location", OperationContracts.Header(null, "The presigned URL.", 4096, required: true))),
        };
        operation.Responses["304"] = new OpenApiResponse { Description = "Not modified since the If-None-Match / If-Modified-Since version." };
        operation.Responses["416"] = new OpenApiResponse
        {
            Description = "The range cannot be satisfied.",
            Headers = OperationContracts.Headers(("Content-Range", OperationContracts.Header("bytes */480000", "The file's length.", required: true))),
        };
    }
}
