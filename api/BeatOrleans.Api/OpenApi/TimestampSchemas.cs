using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BeatOrleans.Api.OpenApi;

/// <summary>
/// Timestamps are written by <see cref="UtcTimestampConverter"/>, a custom converter, so the framework cannot tell
/// their JSON type and emits only the format: they are ISO-8601 UTC strings.
/// </summary>
internal sealed class TimestampSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
            schema.MaxLength = 24; // "yyyy-MM-ddTHH:mm:ss.fffZ"
        }

        return Task.CompletedTask;
    }
}
