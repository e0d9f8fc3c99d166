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
                ("Retry-After", RetryAfter(required: true)));
        }

        if (operation.RequestBody?.Content?.ContainsKey("application/json") == true)
        {
            if (!operation.Responses.ContainsKey("400"))
            {
                Problem(operation, document, 400, "The body is not valid JSON for this operation.", validation: true);
            }

            Problem(operation, document, 415, "The body is not of a media type this operation reads.");
            Problem(operation, document, 413, "The body is larger than 1 MiB (Content-Length is checked before anything is read).");
        }

        if (!operation.Responses.ContainsKey("400"))
        {
            // Before any endpoint runs: host filtering refuses a Host that is not in AllowedHosts (a problem, written
            // by HostRefusals), and Kestrel a request target it cannot decode (a NUL in the path; no body at all).
            Problem(operation, document, 400,
                "The Host header is not one of AllowedHosts; or the request line is malformed (a NUL in the path), "
                + "which is answered with no body.");
        }

        Problem(operation, document, 500, "An unexpected error (no details are given).");
        if (operation.OperationId != "PutUpload")
        {
            Problem(operation, document, 503, "A domain's silos (or the payment provider) are unavailable; try again shortly.",
                ("Retry-After", RetryAfter(required: false)));
        }

        Parameters.Bound(operation);
        Locations(operation);
        FileAnswers.Describe(operation);
        DetailsVersions(operation);
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

    private static OpenApiHeader RetryAfter(bool required) => new()
    {
        Description = "Seconds to wait before trying again.",
        Required = required,
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "86400" },
    };

    /// <summary>A beat's answers carry the version of its details, which an edit's If-Match names.</summary>
    private static void DetailsVersions(OpenApiOperation operation)
    {
        if (operation.OperationId is not ("GetBeat" or "UpdateBeat"))
        {
            return;
        }

        var tag = ("ETag", Header("\"3f5a0c9e1b7d24c6a8e0\"",
            "The version of the beat's details (title, artist, genre, BPM, key, tags), for If-Match on PATCH "
            + "/api/beats/{beat_id}; plays, status and prices do not change it.", required: true));
        foreach (var status in (string[])["200", "412"])
        {
            if (operation.Responses!.TryGetValue(status, out var answer) && answer is OpenApiResponse response)
            {
                response.Headers = Headers(tag);
            }
        }
    }

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
