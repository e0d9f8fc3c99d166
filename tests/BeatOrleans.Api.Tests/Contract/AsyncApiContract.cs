using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using BeatOrleans.Integration.Tests;
using Json.Schema;

namespace BeatOrleans.Api.Tests.Contract;

/// <summary>The committed AsyncAPI document (docs/asyncapi.json): checks real frames against its payload schemas.</summary>
public static class AsyncApiContract
{
    public const string DocumentPath = "docs/asyncapi.json";

    private static readonly Lazy<JsonObject> Schemas = new(() =>
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(TestServers.RepositoryRoot, DocumentPath)))!;
        return OpenApiContract.Rewrite(document["components"]!["schemas"]!.DeepClone()).AsObject();
    });

    private static readonly ConcurrentDictionary<string, JsonSchema> Built = new();

    /// <summary>Null when <paramref name="payload"/> is a valid <paramref name="schema"/> (a components/schemas name).</summary>
    public static string? Check(string schema, JsonNode payload)
    {
        var built = Built.GetOrAdd(schema, name =>
            OpenApiContract.Build(new JsonObject { ["$ref"] = $"#/$defs/{name}" }, Schemas.Value, "#/components/schemas/"));
        return OpenApiContract.Validate(built, JsonDocument.Parse(payload.ToJsonString()).RootElement);
    }
}
