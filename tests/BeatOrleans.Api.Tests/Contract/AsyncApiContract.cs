using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace BeatOrleans.Api.Tests.Contract;

/// <summary>The committed AsyncAPI document (docs/asyncapi.json): checks real frames against its payload schemas.</summary>
public static class AsyncApiContract
{
    public const string DocumentPath = "docs/asyncapi.json";

    private static readonly Lazy<JsonNode> Document = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestServers.RepositoryRoot, DocumentPath)))!);

    private static readonly Lazy<JsonObject> Schemas = new(() =>
        OpenApiContract.Rewrite(Document.Value["components"]!["schemas"]!.DeepClone()).AsObject());

    private static readonly ConcurrentDictionary<string, JsonSchema> Built = new();

    /// <summary>Null when <paramref name="payload"/> is a valid <paramref name="schema"/> (a components/schemas name).</summary>
    public static string? Check(string schema, JsonNode payload)
    {
        var built = Built.GetOrAdd(schema, name =>
            OpenApiContract.Build(new JsonObject { ["$ref"] = $"#/$defs/{name}" }, Schemas.Value, "#/components/schemas/"));
        return OpenApiContract.Validate(built, JsonDocument.Parse(payload.ToJsonString()).RootElement);
    }

    /// <summary>Null when <paramref name="envelope"/> is a valid payload of the message named <paramref name="type"/> (a routing key).</summary>
    public static string? CheckMessage(string type, JsonNode envelope)
    {
        var built = Built.GetOrAdd($"message:{type}", _ =>
        {
            var message = Document.Value["components"]!["messages"]!.AsObject().Select(m => m.Value!)
                .SingleOrDefault(m => m["name"]?.GetValue<string>() == type)
                ?? throw new InvalidOperationException($"{DocumentPath} has no message named {type}");
            return OpenApiContract.Build(message["payload"]!, Schemas.Value, "#/components/schemas/");
        });
        return OpenApiContract.Validate(built, JsonDocument.Parse(envelope.ToJsonString()).RootElement);
    }
}
