using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>
/// RFC 9457 problems as this API writes them: type, title, status and detail always (ProblemsExtensions fills what a
/// writer left out), its own titles, a detail cut at <see cref="WireSchemas.MaxProblemTextLength"/> characters, the
/// request path as <c>instance</c>, the trace id, and field errors under <c>errors</c>.
/// </summary>
internal static class ProblemSchemas
{
    public const string Problem = "ProblemDetails";
    public const string ValidationProblem = "HttpValidationProblemDetails";

    /// <summary>Kestrel's longest request line (8 KiB) bounds the path a problem names.</summary>
    private const int MaxInstanceLength = 8 * 1024;

    public static void Bound(IDictionary<string, IOpenApiSchema> schemas)
    {
        foreach (var name in new[] { Problem, ValidationProblem })
        {
            if (!schemas.TryGetValue(name, out var found) || found is not OpenApiSchema schema || schema.Properties is null)
            {
                continue;
            }

            Set(schema, "type", WireSchemas.Text(200, 1, format: "uri"));
            Set(schema, "title", WireSchemas.Text(200, 1));
            Set(schema, "status", WireSchemas.Int(400, 599));
            Set(schema, "detail", WireSchemas.Text(WireSchemas.MaxProblemTextLength));
            Set(schema, "instance", WireSchemas.Text(MaxInstanceLength));
            schema.Properties["trace_id"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                MaxLength = 128,
                Description = "The W3C trace id of the request, for finding it in the logs.",
            };
            // Members some refusals add, so a client reads why without parsing the detail: a 409 about an offer
            // (accept, decline, withdraw, counter) names the offer's status now, a 409 of a purchase's confirmation
            // the purchase's.
            schema.Properties["offer_status"] = Enumeration("OfferStatus", WireSchemas.OfferStatuses,
                "On a 409 about an offer: the offer's status now (it was answered, or it lapsed).");
            schema.Properties["purchase_status"] = Enumeration("PurchaseStatus", WireSchemas.PurchaseStatuses,
                "On a 409 of POST /api/purchases/{purchase_id}/confirm: the purchase's status now.");
            // ProblemsExtensions fills each of these on every problem the API writes, so a client may rely on them.
            schema.Required = new HashSet<string> { "type", "title", "status", "detail", "instance", "trace_id" };
            foreach (var field in schema.Required)
            {
                if (schema.Properties[field] is OpenApiSchema property && property.Type is { } type)
                {
                    property.Type = type & ~JsonSchemaType.Null;
                }
            }

            if (name == ValidationProblem)
            {
                schema.Properties["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "Field (wire name) -> what is wrong with it.",
                    MaxProperties = 64,
                    AdditionalProperties = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        MaxItems = 10,
                        Items = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = WireSchemas.MaxProblemTextLength },
                    },
                };
            }
        }
    }

    private static OpenApiSchema Enumeration(string component, IEnumerable<string> values, string description)
    {
        var schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = description };
        NamedEnums.Named(component, values)(schema);
        return schema;
    }

    private static void Set(OpenApiSchema schema, string field, Action<OpenApiSchema> rule)
    {
        if (schema.Properties!.TryGetValue(field, out var property))
        {
            var bounded = WireSchemas.Copy(property);
            rule(bounded);
            schema.Properties[field] = bounded;
        }
    }
}
