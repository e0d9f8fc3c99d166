using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace BeatOrleans.Api.Tests.Contract;

/// <summary>One answer the API gave, as the contract check saw it.</summary>
public sealed record ObservedAnswer(string Method, string Template, int Status, string? MediaType, string? Violation);

/// <summary>
/// The committed OpenAPI document (docs/openapi.json) as a checker of real answers: the operation a request reached
/// (method and path template), whether it declares the status, and whether a JSON body validates against the schema
/// declared for that status and media type (JSON Schema 2020-12, formats asserted).
/// </summary>
public sealed class OpenApiContract
{
    public const string DocumentPath = "docs/openapi.json";

    private static readonly Lazy<OpenApiContract> Committed = new(() =>
        new OpenApiContract(JsonNode.Parse(File.ReadAllText(Path.Combine(TestServers.RepositoryRoot, DocumentPath)))!.AsObject()));

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly JsonObject document;
    private readonly JsonObject definitions;
    private readonly List<(string Template, string[] Segments, int Parameters)> templates;
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new();
    private static int built;

    /// <summary>
    /// JsonSchema.Net builds and evaluates with registries that are not safe for threads, and the tests check answers
    /// in parallel: a filtered run of 82 tests once failed 46 of them with "Could not resolve
    /// 'https://beatorleans.test/contract/1#/$defs/SignupResponse'" (one schema built badly, then cached), even with
    /// build options of its own per schema. Building and evaluating one at a time costs the checks a little wall time.
    /// </summary>
    private static readonly Lock SchemaUse = new();

    static OpenApiContract()
    {
        // JsonSchema.Net's own email check runs two regular expressions with 200 and 250 ms timeouts and takes a
        // timeout for an invalid address: on a loaded 2-core machine "<32 hex digits>@example.com" once failed the
        // contract. This is the same question (an address as System.Net.Mail reads it), without a clock.
        FormatRegistry.Global.Register(new PredicateFormat("email", value => value.ValueKind != JsonValueKind.String
            || (System.Net.Mail.MailAddress.TryCreate(value.GetString(), out var address)
                && address.Address == value.GetString())));
    }

    public OpenApiContract(JsonObject document)
    {
        this.document = document;
        // The document's components become $defs of each schema built from it, with their references rewritten.
        definitions = Rewrite(document["components"]?["schemas"]?.DeepClone() ?? new JsonObject()).AsObject();
        templates = [.. document["paths"]!.AsObject()
            .Select(p => (p.Key, p.Key.Trim('/').Split('/'), p.Key.Count(c => c == '{')))
            // Literal segments win over parameters (/api/beats/upload-url before /api/beats/{beat_id}), as in routing.
            .OrderBy(t => t.Item3)];
    }

    public static OpenApiContract Load() => Committed.Value;

    public IEnumerable<(string Method, string Template)> Operations =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (o.Key.ToUpperInvariant(), p.Key)));

    /// <summary>The operation's template for a request path, or null when the document has no such path.</summary>
    public string? Match(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        foreach (var (template, parts, _) in templates)
        {
            if (parts.Length == segments.Length
                && parts.Zip(segments).All(p => p.First.StartsWith('{') ? p.Second.Length > 0 : p.First == p.Second)
                && document["paths"]![template]![method.ToLowerInvariant()] is not null)
            {
                return template;
            }
        }

        return null;
    }

    /// <summary>Null when the answer is what the document declares; else what is wrong, in words.</summary>
    public string? Check(string method, string template, int status, string? mediaType, string? body, IReadOnlySet<string>? headers = null)
    {
        var responses = document["paths"]![template]![method.ToLowerInvariant()]!["responses"]!.AsObject();
        var declared = responses[status.ToString(CultureInfo.InvariantCulture)]
            ?? responses[$"{status / 100}XX"] ?? responses["default"];
        if (declared is null)
        {
            return $"status {status} is not declared (declared: {string.Join(", ", responses.Select(r => r.Key))})";
        }

        var missing = (declared["headers"]?.AsObject() ?? [])
            .Where(h => h.Value?["required"]?.GetValue<bool>() == true && headers is not null && !headers.Contains(h.Key))
            .Select(h => h.Key).ToList();
        if (missing.Count > 0)
        {
            return $"required header(s) {string.Join(", ", missing)} missing";
        }

        if (body is null || mediaType is null || method == "HEAD")
        {
            return null;
        }

        var content = declared["content"]?.AsObject();
        if (content?[mediaType] is not { } media)
        {
            return $"{mediaType} is not declared for {status} (declared: {string.Join(", ", content?.Select(c => c.Key) ?? [])})";
        }

        if (media["schema"] is not { } schemaNode)
        {
            return null;
        }

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return $"the {mediaType} body is not JSON: {e.Message}";
        }

        var schema = schemas.GetOrAdd(schemaNode.ToJsonString(), _ => Build(schemaNode, definitions, "#/components/schemas/"));
        return Validate(schema, instance) is { } errors ? $"the body does not match the {status} schema: {errors}; body: {Shorten(body)}" : null;
    }

    /// <summary>Null when <paramref name="instance"/> is valid, else the first errors in words.</summary>
    public static string? Validate(JsonSchema schema, JsonElement instance)
    {
        EvaluationResults result;
        lock (SchemaUse)
        {
            result = schema.Evaluate(instance, Evaluation);
        }

        if (result.IsValid)
        {
            return null;
        }

        return string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})")).Take(5));
    }

    /// <summary>A schema whose references into <paramref name="prefix"/> (the document's components) resolve to $defs.</summary>
    public static JsonSchema Build(JsonNode schemaNode, JsonObject definitions, string prefix)
    {
        var root = Rewrite(schemaNode.DeepClone(), prefix) as JsonObject ?? new JsonObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = definitions.DeepClone();
        // Each built schema gets its own base URI, so the registry never sees two schemas under one id.
        var id = new Uri($"https://beatorleans.test/contract/{Interlocked.Increment(ref built)}");
        // Build options of its own, so a registry of its own: the default options' registry is shared and not safe
        // for threads, and tests build schemas in parallel (seen once: "Could not resolve .../contract/2#/$defs/...").
        lock (SchemaUse)
        {
            return JsonSchema.FromText(root.ToJsonString(), new BuildOptions(), baseUri: id);
        }
    }

    public static JsonNode Rewrite(JsonNode node, string prefix = "#/components/schemas/")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference)
                    {
                        obj["$ref"] = reference.Replace(prefix, "#/$defs/", StringComparison.Ordinal);
                    }
                    else if (value is not null)
                    {
                        Rewrite(value, prefix);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Rewrite(item, prefix);
                    }
                }

                break;
        }

        return node;
    }

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "..." : text;
}
