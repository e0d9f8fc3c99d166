using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>
/// Closed sets of values as named component schemas (<c>LicenseType</c>, <c>PurchaseStatus</c>, ...) that the fields
/// and parameters holding them reference. Written inline in each field, they became a type per field in generated
/// clients (NSwag: <c>File</c>, clashing with System.IO.File, <c>License_types2</c>,
/// <c>PurchaseResponseLicense_type</c>), so an offer's licence type could not be passed to a purchase unmapped.
/// </summary>
internal static class NamedEnums
{
    /// <summary>The schemas a rule marked while the document is built, and the component each belongs to.</summary>
    private static readonly ConditionalWeakTable<OpenApiSchema, string> Marked = [];

    private static readonly Dictionary<string, string[]> Components = [];

    private static readonly Lock Gate = new();

    /// <summary>A rule: the field holds one of <paramref name="values"/>, named <paramref name="component"/>.</summary>
    public static Action<OpenApiSchema> Named(string component, IEnumerable<string> values)
    {
        string[] all = [.. values];
        lock (Gate)
        {
            if (Components.TryGetValue(component, out var known) && !known.SequenceEqual(all))
            {
                throw new InvalidOperationException($"The enum {component} is declared with two sets of values.");
            }

            Components[component] = all;
        }

        return schema =>
        {
            WireSchemas.OneOf(all)(schema);
            Marked.AddOrUpdate(schema, component);
        };
    }

    /// <summary>Adds the named components and points every marked field, array item and parameter at its own.</summary>
    public static void Apply(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        lock (Gate)
        {
            foreach (var (name, values) in Components)
            {
                schemas[name] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))],
                };
            }
        }

        foreach (var component in schemas.Values.OfType<OpenApiSchema>())
        {
            foreach (var field in component.Properties?.Keys.ToList() ?? [])
            {
                component.Properties![field] = Referenced(component.Properties[field], document);
                if (component.Properties[field] is OpenApiSchema { Items: { } items } list)
                {
                    list.Items = Referenced(items, document);
                }
            }

            if (component.Items is { } elements)
            {
                component.Items = Referenced(elements, document);
            }
        }

        var operations = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []);
        foreach (var parameter in operations.SelectMany(o => o.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.Schema is { } schema)
            {
                parameter.Schema = Referenced(schema, document);
            }
        }
    }

    private static IOpenApiSchema Referenced(IOpenApiSchema schema, OpenApiDocument document)
    {
        if (schema is not OpenApiSchema concrete || !Marked.TryGetValue(concrete, out var component))
        {
            return schema;
        }

        var reference = new OpenApiSchemaReference(component, document);
        if (concrete.Type is { } type && type.HasFlag(JsonSchemaType.Null))
        {
            return new OpenApiSchema
            {
                AnyOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }],
                Description = concrete.Description,
            };
        }

        // Sibling keywords next to $ref are allowed in OpenAPI 3.1: a field's own description stays with it.
        if (concrete.Description is { } description)
        {
            reference.Description = description;
        }

        return reference;
    }
}
