using System.Text.Json;
using BeatOrleans.Contracts.Events;

namespace BeatOrleans.Outbox;

public static class IntegrationEvents
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>An event whose data is <paramref name="data"/> in the published snake_case form.</summary>
    /// <param name="id">Stable for this occurrence (e.g. the message id), so a retry carries the same id.</param>
    public static IntegrationEvent Create<T>(string id, string type, string aggregateId, DateTimeOffset occurredAt, T data) =>
        new(id, type, occurredAt, aggregateId, JsonSerializer.Serialize(data, Json));
}
