using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

/// <summary>Uploading and waiting for beats the way a producer's client does.</summary>
public static class BeatsClient
{
    public static async Task<HttpResponseMessage> Upload(this HttpClient http, string? token, byte[] file, string fileName,
        Dictionary<string, string>? fields = null, byte[]? stems = null, string path = "/api/beats/upload")
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields ?? new Dictionary<string, string> { ["title"] = "Test beat" })
        {
            form.Add(new StringContent(value), name);
        }

        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(content, "file", fileName);
        if (stems is not null)
        {
            form.Add(new ByteArrayContent(stems), "stems", "stems.zip");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Sends a beat's stems after the upload; <paramref name="part"/> names the form part.</summary>
    public static async Task<HttpResponseMessage> PutStems(
        this HttpClient http, string? token, string beatId, byte[] stems, string part = "stems")
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(stems);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(content, part, "stems.zip");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/beats/{beatId}/stems") { Content = form };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Sends <paramref name="image"/> as a beat's cover, declared as <paramref name="type"/>.</summary>
    public static async Task<HttpResponseMessage> PutCover(
        this HttpClient http, string? token, string beatId, byte[] image, string type = "image/png")
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/beats/{beatId}/cover") { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Uploads a file and answers the beat as the 202 showed it.</summary>
    public static async Task<JsonObject> UploadBeat(this HttpClient http, string token, string path, Dictionary<string, string>? fields = null)
    {
        var response = await http.Upload(token, await File.ReadAllBytesAsync(path), Path.GetFileName(path), fields);
        return await response.Body(HttpStatusCode.Accepted);
    }

    /// <summary>Polls the beat until it leaves processing (processing is asynchronous), with a deadline.</summary>
    public static async Task<JsonObject> WaitUntilProcessed(this HttpClient http, string beatId, TimeSpan? within = null) =>
        (await Eventually.Holds(
            async () =>
            {
                var response = await http.GetAsync($"/api/beats/{beatId}");
                // 503 while the catalog silo holding the beat restarts (cluster tests); anything else must be the beat.
                return response.StatusCode == HttpStatusCode.ServiceUnavailable ? null : await response.Body(HttpStatusCode.OK);
            },
            beat => beat is not null && beat["status"]!.GetValue<string>() != "processing", within ?? TimeSpan.FromSeconds(90),
            _ => $"beat {beatId} still processing after the deadline", TimeSpan.FromMilliseconds(200)))!;

    /// <summary>Polls a search until <paramref name="accept"/> holds for its items (the query model follows events).</summary>
    public static Task<JsonArray> SearchUntil(this HttpClient http, string query, Func<JsonArray, bool> accept) =>
        Eventually.Holds(
            async () => (await (await http.GetAsync($"/api/beats?{query}")).Body(HttpStatusCode.OK))["items"]!.AsArray(),
            accept, TimeSpan.FromSeconds(30), items => $"search '{query}' never matched; last: {items.ToJsonString()}",
            TimeSpan.FromMilliseconds(200));

    /// <summary>A stream URL for the beat, asked anonymously or, with <paramref name="token"/>, as that user.</summary>
    public static async Task<string> StreamUrl(this HttpClient http, string beatId, string? token = null) =>
        (await (await http.Send(HttpMethod.Get, $"/api/beats/stream/{beatId}", token)).Body(HttpStatusCode.OK))
            ["stream_url"]!.GetValue<string>();

    public static string Id(this JsonObject beat) => beat["beat_id"]!.GetValue<string>();

    public static async Task<JsonObject> PostJson(this HttpClient http, string path, string token, object body, HttpStatusCode expected) =>
        await (await http.Send(HttpMethod.Post, path, token, body)).Body(expected);

    public static Task<HttpResponseMessage> GetWithRange(this HttpClient http, string url, string range)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Range", range);
        return http.SendAsync(request);
    }

    public static JsonContent Json(object body) => JsonContent.Create(body);
}
