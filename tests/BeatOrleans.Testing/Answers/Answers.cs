using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

/// <summary>
/// Reads answers into the typed records of this folder (snake_case, as the contract names every field), for tests
/// that check values. The records are the test's own reading of the contract, never the API's types, so a renamed
/// field reads as null and fails the test that looks at it; each domain keeps one test on raw JSON for the names.
/// </summary>
public static class Answers
{
    public static async Task<T> Body<T>(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>(ApiClient.Json))!;
    }

    public static T As<T>(this JsonNode node) => node.Deserialize<T>(ApiClient.Json)!;
}
