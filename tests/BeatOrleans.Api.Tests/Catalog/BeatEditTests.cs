using System.Net;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Catalog;

/// <summary>A producer corrects a beat's details after the upload (PATCH /api/beats/{beat_id}).</summary>
public sealed class BeatEditTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private static readonly TimeSpan Listing = TimeSpan.FromSeconds(30);

    private readonly HttpClient http = host.CreateClient();

    private async Task<string> Token() => (await http.LogIn(await http.SignUp())).Token;

    private Task<HttpResponseMessage> Edit(string? token, string beatId, object body) =>
        http.Send(HttpMethod.Patch, $"/api/beats/{beatId}", token, body);

    private async Task<JsonObject> Beat(string beatId) =>
        await (await http.Send(HttpMethod.Get, $"/api/beats/{beatId}", null)).Body(HttpStatusCode.OK);

    private async Task<List<string>> Found(string query) =>
        [.. (await (await http.Send(HttpMethod.Get, $"/api/beats?{query}", null)).Body(HttpStatusCode.OK))["items"]!
            .AsArray().Select(i => i!.Str("beat_id"))];

    private async Task<HttpResponseMessage> EditIfMatch(string token, string beatId, object body, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/beats/{beatId}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(body),
        };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await http.SendAsync(request);
    }

    private async Task<string> Tag(string beatId)
    {
        var read = await http.Send(HttpMethod.Get, $"/api/beats/{beatId}", null);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        return read.Headers.ETag!.ToString();
    }

    [Fact]
    public async Task An_edit_made_on_a_version_another_tab_changed_meanwhile_answers_412_and_changes_nothing()
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer, new() { ["title"] = "Two tabs", ["bpm"] = "120" })).Id();
        var read = await Tag(beat);
        Assert.StartsWith("\"", read, StringComparison.Ordinal);

        // Tab one saves first, on the version both tabs read.
        var first = await EditIfMatch(producer, beat, new { title = "Tab one" }, read);
        await first.Body(HttpStatusCode.OK);
        var now = first.Headers.ETag!.ToString();
        Assert.NotEqual(read, now);
        Assert.Equal(now, await Tag(beat));
        // Its retry after a lost answer names the old version, but the change it asks for is there: done.
        var retried = await EditIfMatch(producer, beat, new { title = "Tab one" }, read);
        await retried.Body(HttpStatusCode.OK);
        Assert.Equal(now, retried.Headers.ETag!.ToString());

        // Tab two still holds the old version: refused, and told the current one.
        var second = await EditIfMatch(producer, beat, new { title = "Tab two", bpm = 90 }, read);
        await second.Problem(HttpStatusCode.PreconditionFailed);
        Assert.Equal(now, second.Headers.ETag!.ToString());
        var kept = await Beat(beat);
        Assert.Equal("Tab one", kept.Str("title"));
        Assert.Equal(120, kept["bpm"]!.GetValue<double>());

        // A weak tag never matches (RFC 9110 compares If-Match strongly); one of several current tags, or *, does.
        await (await EditIfMatch(producer, beat, new { title = "Weak" }, $"W/{now}"))
            .Problem(HttpStatusCode.PreconditionFailed);
        await (await EditIfMatch(producer, beat, new { title = "Listed" }, $"{read}, {now}")).Body(HttpStatusCode.OK);
        await (await EditIfMatch(producer, beat, new { title = "Any" }, "*")).Body(HttpStatusCode.OK);
        Assert.Equal("Any", (await Beat(beat)).Str("title"));
    }

    [Fact]
    public async Task The_producer_corrects_the_details_and_the_search_finds_the_beat_by_them()
    {
        var producer = await Token();
        var word = $"w{Guid.NewGuid():N}"[..12];
        var beat = (await http.ReadyBeat(producer, new()
        {
            ["title"] = $"Tpyo {word}", ["genre"] = "trap", ["bpm"] = "140", ["key"] = "Am", ["tags"] = "dark,808",
        })).Id();

        var edited = await (await Edit(producer, beat, new { title = $"Typo fixed {word}", bpm = 92.5, key = "F minor",
            tags = new[] { "Lofi", "night" } })).Body(HttpStatusCode.OK);

        Assert.Equal($"Typo fixed {word}", edited.Str("title"));
        Assert.Equal(92.5, edited["bpm"]!.GetValue<double>());
        Assert.Equal("Fm", edited.Str("key"));
        Assert.Equal(["lofi", "night"], edited["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        // Left out: as they were.
        Assert.Equal("trap", edited.Str("genre"));
        Assert.Equal("ready", edited.Str("status"));
        var read = await Beat(beat);
        Assert.Equal(edited.ToJsonString(), read.ToJsonString());

        // The search lists the change shortly after (the query model is updated by stream).
        var byTitle = await Eventually.Until(() => Found($"q=fixed%20{word}"), ids => ids.Contains(beat), Listing);
        Assert.Contains(beat, byTitle);
        Assert.Contains(beat, await Found($"q={word}&key=Fm&bpm_min=90&bpm_max=95"));
        Assert.DoesNotContain(beat, await Found($"q={word}&key=Am"));

        // An empty genre clears it; an empty tag list clears the tags; a null BPM removes it (left out, it stays).
        var cleared = await (await Edit(producer, beat, new { genre = "", tags = Array.Empty<string>() }))
            .Body(HttpStatusCode.OK);
        Assert.Null(cleared["genre"]);
        Assert.Empty(cleared["tags"]!.AsArray());
        Assert.Equal("Fm", cleared.Str("key"));
        Assert.Equal(92.5, cleared["bpm"]!.GetValue<double>());
        var noTempo = await (await http.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/beats/{beat}")
        {
            Content = new StringContent("""{"bpm":null}""", System.Text.Encoding.UTF8, "application/json"),
            Headers = { Authorization = new("Bearer", producer) },
        })).Body(HttpStatusCode.OK);
        Assert.Null(noTempo["bpm"]);
        Assert.Null((await Beat(beat))["bpm"]);
    }

    [Fact]
    public async Task Only_the_producer_edits_a_beat_and_nothing_changes_on_a_refusal()
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer, new() { ["title"] = "Mine to edit" })).Id();
        var before = (await Beat(beat)).ToJsonString();

        await (await Edit(await Token(), beat, new { title = "Stolen" })).Problem(HttpStatusCode.Forbidden);
        await (await Edit(null, beat, new { title = "Anonymous" })).Problem(HttpStatusCode.Unauthorized);
        await (await Edit(producer, $"{Guid.NewGuid():N}", new { title = "Nobody's" }))
            .Problem(HttpStatusCode.NotFound);
        await (await Edit(producer, "not-an-id", new { title = "Nobody's" })).Problem(HttpStatusCode.NotFound);
        Assert.Equal(before, (await Beat(beat)).ToJsonString());

        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat}/delete", producer)).Body(HttpStatusCode.OK);
        await (await Edit(producer, beat, new { title = "Back from the dead" })).Problem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("{\"title\":\"\"}", "title")]
    [InlineData("{\"title\":\"   \"}", "title")]
    [InlineData("{\"artist\":\"\"}", "artist")]
    [InlineData("{\"bpm\":1000}", "bpm")]
    [InlineData("{\"bpm\":5}", "bpm")]
    [InlineData("{\"bpm\":\"fast\"}", "bpm")]
    [InlineData("{\"bpm\":[120]}", "bpm")]
    [InlineData("{\"tags\":[null]}", "tags")]
    [InlineData("{\"genre\":\"a\\u0000b\"}", "genre")]
    [InlineData("""{"tags":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p"]}""", "tags")]
    public async Task A_bad_edit_is_refused_by_field_and_changes_nothing(string body, string field)
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer, new() { ["title"] = "Keep me", ["bpm"] = "120" })).Id();
        var before = (await Beat(beat)).ToJsonString();

        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/beats/{beat}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", producer);
        var problem = await (await http.SendAsync(request)).Problem(HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]?[field]);
        Assert.Equal(before, (await Beat(beat)).ToJsonString());
    }

    [Fact]
    public async Task A_purchase_keeps_the_title_it_was_sold_under_and_a_sold_exclusive_is_not_edited()
    {
        var producer = await Token();
        var beat = (await http.ReadyBeat(producer, new() { ["title"] = "Sold as this" })).Id();
        var buyer = await Token();
        var lease = (await http.BuyAndPay(buyer, beat, "mp3_lease")).PurchaseId();

        await (await Edit(producer, beat, new { title = "Renamed later" })).Body(HttpStatusCode.OK);

        Assert.Equal("Sold as this", (await http.Purchase(buyer, lease)).Str("beat_title"));
        Assert.Equal("completed", (await http.BuyAndPay(await Token(), beat, "exclusive")).Status());
        await (await Edit(producer, beat, new { title = "After the exclusive" })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("Renamed later", (await Beat(beat)).Str("title"));
    }
}
