using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using BeatOrleans.Api.OpenApi;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace BeatOrleans.Api.Conventions;

public static class ApiConventions
{
    /// <summary>The largest JSON or form body accepted by default; uploads raise it per endpoint.</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>snake_case JSON with strict numbers and UTC timestamps, request size limits, and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddApiConventions(this WebApplicationBuilder builder)
    {
        builder.AddPublicUrls();
        builder.Services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        builder.Services.Configure<KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = DefaultMaxRequestBodyBytes;
            o.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            o.AddServerHeader = false;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.AddMarketplaceOpenApi();
        return builder;
    }

    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        // Numbers are JSON numbers, as the contract and the OpenAPI document say (the web default also reads "29.99").
        options.NumberHandling = JsonNumberHandling.Strict;
        // {"beat_id": A, "beat_id": B} is refused: a proxy or firewall reading the first must not see another request.
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new UtcTimestampConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }
}

/// <summary>Writes every timestamp as ISO-8601 UTC ("...Z"), as the contract promises.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
