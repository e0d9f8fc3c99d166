using System.Buffers;
using System.Globalization;
using System.Text.Json;
using BeatOrleans.Contracts.Events;

namespace BeatOrleans.Messaging;

/// <summary>The JSON envelope of every message on the bridge (docs/EVENTS.md): id, type, occurred_at, aggregate_id, data.</summary>
public static class Envelope
{
    public static byte[] Serialize(IntegrationEvent integrationEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + integrationEvent.Data.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", integrationEvent.Id);
            json.WriteString("type", integrationEvent.Type);
            json.WriteString("occurred_at", integrationEvent.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("aggregate_id", integrationEvent.AggregateId);
            json.WritePropertyName("data");
            json.WriteRawValue(integrationEvent.Data);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an inbound envelope; null when it is not one (not JSON, no id, no type, no data object).</summary>
    public static InboundEnvelope? Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "id") is not { Length: > 0 } id
                || Text(root, "type") is not { Length: > 0 } type
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var occurredAt = root.TryGetProperty("occurred_at", out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTimeOffset(out var parsed)
                ? parsed
                : (DateTimeOffset?)null;
            return new InboundEnvelope(id, type, occurredAt, data.Clone());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>An inbound message's envelope; <see cref="Data"/> is the type's payload.</summary>
public sealed record InboundEnvelope(string Id, string Type, DateTimeOffset? OccurredAt, JsonElement Data);
