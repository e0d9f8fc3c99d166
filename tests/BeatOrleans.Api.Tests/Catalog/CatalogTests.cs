using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace BeatOrleans.Api.Tests.Catalog;

public sealed class CatalogTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    private readonly HttpClient http = host.CreateClient();

    private async Task<(Account Account, string Token)> Producer()
    {
        var account = await http.SignUp();
        return (account, (await http.LogIn(account)).Token);
    }

    [Fact]
    public async Task Wav_upload_answers_202_processing_then_becomes_ready_with_its_duration()
    {
        var (account, token) = await Producer();
        var accepted = await http.UploadBeat(token, await Audio.Tone(220, 12, "wav"),
            new() { ["title"] = "Night Drive", ["genre"] = "Trap", ["bpm"] = "140", ["key"] = "Am", ["tags"] = "dark, Trap ,808", ["price"] = "24.50" });

        Assert.Equal("processing", accepted["status"]!.GetValue<string>());
        Assert.Equal(account.UserId, accepted["producer_id"]!.GetValue<string>());
        Assert.Equal(account.Username, accepted["artist"]!.GetValue<string>());
        Assert.Equal(["dark", "trap", "808"], accepted["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var licence = Assert.Single(accepted["licenses"]!.AsArray());
        Assert.Equal("mp3_lease", licence!["license_type"]!.GetValue<string>());
        Assert.Equal(24.50m, accepted["price"]!.GetValue<decimal>());

        var ready = await http.WaitUntilProcessed(accepted.Id());
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.InRange(ready["duration_seconds"]!.GetValue<double>(), 11.9, 12.1);
        Assert.Equal(140, ready["bpm"]!.GetValue<double>());

        // The producer hears about it through the notifications domain (an event, not a call).
        var notifications = await Eventually.Until(
            async () => (await (await http.Send(HttpMethod.Get, "/api/notifications", token)).Body(HttpStatusCode.OK))["notifications"]!.AsArray(),
            notifications => notifications.Count != 0, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        var notification = Assert.Single(notifications);
        Assert.Equal("beat_ready", notification!["type"]!.GetValue<string>());
        Assert.Contains("Night Drive", notification["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stems_are_taken_as_a_zip_for_trackout_licences_and_refused_otherwise()
    {
        var (_, token) = await Producer();
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(220, 1, "wav"));
        var fields = new Dictionary<string, string> { ["title"] = "With stems", ["licenses"] = "[{\"license_type\":\"trackout\",\"price\":99}]" };
        byte[] emptyZip = [0x50, 0x4B, 0x05, 0x06, .. new byte[18]];
        var accepted = await (await http.Upload(token, wav, "a.wav", fields, emptyZip)).Body<BeatView>(HttpStatusCode.Accepted);
        Assert.Equal("trackout", accepted.Licenses[0].LicenseType);

        await (await http.Upload(token, wav, "a.wav", fields, Encoding.UTF8.GetBytes("not a zip archive"))).Problem(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Mp3_upload_is_processed_to_ready()
    {
        var (_, token) = await Producer();
        var accepted = await http.UploadBeat(token, await Audio.Tone(330, 8, "mp3"), new() { ["title"] = "Mp3 master", ["artist"] = "DJ Test" });
        var ready = (await http.WaitUntilProcessed(accepted.Id())).As<BeatView>();
        Assert.Equal("ready", ready.Status);
        Assert.Equal("DJ Test", ready.Artist);
        Assert.NotNull(ready.DurationSeconds);
        Assert.InRange(ready.DurationSeconds.Value, 7.9, 8.2);
    }

    [Fact]
    public async Task Preview_carries_the_default_tag_at_the_start_of_every_interval_and_nowhere_else()
    {
        var (_, token) = await Producer();
        var beat = await http.UploadBeat(token, await Audio.Tone(220, 65, "wav"));
        await http.WaitUntilProcessed(beat.Id());
        var preview = await DownloadPreview(beat.Id());

        // The default tag is a 1,760 Hz chime for 1.5 s every 30 s; the beat itself is a 220 Hz tone.
        foreach (var tagAt in new[] { 0.1, 30.1, 60.1 })
        {
            Assert.True(await Audio.BandLevel(preview, 1760, tagAt, 1.2) > -40, $"no tag at {tagAt}s");
        }

        foreach (var quietAt in new[] { 10.0, 20.0, 45.0 })
        {
            Assert.True(await Audio.BandLevel(preview, 1760, quietAt, 1.2) < -50, $"tag energy at {quietAt}s");
        }

        Assert.True(await Audio.BandLevel(preview, 220, 10, 2) > -30, "the beat itself is missing from the preview");
    }

    [Fact]
    public async Task A_voice_tag_in_the_wrong_shape_is_refused_naming_what_is_wrong()
    {
        var (_, token) = await Producer();
        async Task<System.Text.Json.Nodes.JsonObject> Refused(HttpContent content, HttpStatusCode status)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/profile/voice-tag")
            {
                Content = content,
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await (await http.SendAsync(request)).Problem(status);
        }

        var zip = new MultipartFormDataContent { { new ByteArrayContent([0x50, 0x4B, 3, 4]), "stems", "s.zip" } };
        var stems = await Refused(zip, HttpStatusCode.BadRequest);
        Assert.Equal("Unexpected file part 'stems'.", stems.Str("detail"));
        await Refused(new FormUrlEncodedContent([new("file", "abc")]), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_new_voice_tag_replaces_the_stored_one_rather_than_piling_up()
    {
        var (account, token) = await Producer();
        async Task<long> SendTag(double seconds)
        {
            var bytes = await File.ReadAllBytesAsync(await Audio.Tone(660, seconds, "wav"));
            using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "tag.wav" } };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/profile/voice-tag") { Content = form };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await (await http.SendAsync(request)).Body(HttpStatusCode.OK);
            return bytes.LongLength;
        }

        await SendTag(1);
        await SendTag(2);
        var latest = await SendTag(3);

        var folder = Path.Combine(host.BlobRoot, "tags", account.UserId);
        var stored = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal(latest, new FileInfo(stored).Length);
    }

    [Fact]
    public async Task A_producers_voice_tag_replaces_the_default_tag_in_later_previews()
    {
        var (_, token) = await Producer();
        var tag = await Audio.Tone(880, 1, "wav");
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(tag)), "file", "my-tag.wav" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/profile/voice-tag") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var stored = await (await http.SendAsync(request)).Body(HttpStatusCode.OK);
        Assert.Equal("wav", stored["format"]!.GetValue<string>());

        var beat = await http.UploadBeat(token, await Audio.Tone(220, 35, "wav"));
        await http.WaitUntilProcessed(beat.Id());
        var preview = await DownloadPreview(beat.Id());
        var own = await Audio.BandLevel(preview, 880, 30.1, 0.8);
        Assert.True(own > -40, $"the producer's tag is missing at 30 s ({own} dB)");
        // The 880 Hz tag leaks a little into a 1,760 Hz band filter; the default chime would be as loud as the tag.
        var chime = await Audio.BandLevel(preview, 1760, 30.1, 0.8);
        Assert.True(chime < own - 15, $"the default tag is still there ({chime} dB against {own} dB)");
    }

    [Fact]
    public async Task A_renamed_text_file_is_refused_with_415_and_nothing_is_stored()
    {
        var (_, token) = await Producer();
        var before = CountMasters();
        var response = await http.Upload(token, Encoding.UTF8.GetBytes("this is not audio at all, only text pretending to be a wav"), "beat.wav");
        var problem = await response.Problem(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("content", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, CountMasters());
    }

    [Fact]
    public async Task A_file_that_only_looks_like_audio_ends_failed_with_a_reason_and_cannot_be_streamed()
    {
        var (_, token) = await Producer();
        var accepted = await (await http.Upload(token, Audio.Impostor(), "liar.wav")).Body(HttpStatusCode.Accepted);

        var failed = (await http.WaitUntilProcessed(accepted.Id())).As<BeatView>();
        Assert.Equal("failed", failed.Status);
        Assert.False(string.IsNullOrWhiteSpace(failed.FailureReason));
        await (await http.GetAsync($"/api/beats/stream/{accepted.Id()}")).Problem(HttpStatusCode.Conflict);
        await (await http.GetAsync($"/api/beats/{accepted.Id()}/waveform")).Problem(HttpStatusCode.Conflict);

        // The producer is told, as of a beat made ready, with the reason, about the beat.
        var notifications = await Eventually.Until(
            async () => (await (await http.Send(HttpMethod.Get, "/api/notifications", token))
                .Body(HttpStatusCode.OK))["notifications"]!.AsArray(),
            notifications => notifications.Count != 0, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        var notification = Assert.Single(notifications);
        Assert.Equal("beat_failed", notification!["type"]!.GetValue<string>());
        Assert.Equal(accepted.Id(), notification["subject_id"]!.GetValue<string>());
        Assert.Contains(failed.FailureReason!, notification["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("title", "", "title")]
    [InlineData("bpm", "fast", "bpm")]
    [InlineData("bpm", "1000", "bpm")]
    [InlineData("price", "-3", "price")]
    [InlineData("price", "9.999", "price")]
    [InlineData("licenses", "[{\"license_type\":\"platinum\",\"price\":10}]", "licenses")]
    [InlineData("licenses", "not json", "licenses")]
    // Tiers are priced in USD: one named in euros would be sold in dollars at its number.
    [InlineData("licenses", "[{\"license_type\":\"mp3_lease\",\"price\":5,\"currency\":\"EUR\"}]", "licenses")]
    [InlineData("licenses", "[{\"license_type\":\"trackout\",\"price\":80}]", "stems")]
    [InlineData("tags", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", "tags")]
    public async Task Bad_fields_are_400_with_the_field_named_and_nothing_is_stored(string field, string value, string errorKey)
    {
        var (_, token) = await Producer();
        var fields = new Dictionary<string, string> { ["title"] = "A title", [field] = value };
        var before = CountMasters();
        var problem = await (await http.Upload(token, await File.ReadAllBytesAsync(await Audio.Tone(220, 1, "wav")), "a.wav", fields))
            .Problem(HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(errorKey), problem.ToJsonString());
        Assert.Equal(before, CountMasters());
    }

    [Theory]
    [InlineData("--XX\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nabc\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\0\0\0\0WAVEdata")]
    [InlineData("--XX\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nabc")]
    [InlineData("not multipart at all")]
    public async Task A_broken_multipart_body_is_400_and_leaves_nothing_behind(string body)
    {
        var (_, token) = await Producer();
        var before = CountMasters();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/beats/upload") { Content = new StringContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XX");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await (await http.SendAsync(request)).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(before, CountMasters());
    }

    [Fact]
    public async Task Licence_tiers_are_the_producers_own_with_defaults_when_none_are_named()
    {
        var (_, token) = await Producer();
        var wav = await Audio.Tone(220, 1, "wav");
        var named = await http.UploadBeat(token, wav, new()
        {
            ["title"] = "Tiers",
            ["licenses"] = "[{\"license_type\":\"mp3_lease\",\"price\":25},{\"license_type\":\"exclusive\",\"price\":300}]",
        });
        Assert.Equal(["mp3_lease", "exclusive"], named.As<BeatView>().Licenses.Select(l => l.LicenseType));
        Assert.Equal(25m, named.As<BeatView>().Price);

        var defaults = (await http.UploadBeat(token, wav, new() { ["title"] = "Defaults" })).As<BeatView>();
        Assert.Equal(["mp3_lease", "wav_lease", "unlimited", "exclusive"], defaults.Licenses.Select(l => l.LicenseType));
    }

    [Fact]
    public async Task Uploading_needs_a_caller()
    {
        var response = await http.Upload(null, await File.ReadAllBytesAsync(await Audio.Tone(220, 1, "wav")), "a.wav");
        await response.Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Only_the_producer_deletes_a_beat_which_then_disappears_for_everyone()
    {
        var (_, token) = await Producer();
        var (_, otherToken) = await Producer();
        var title = $"Deleted {Guid.NewGuid():N}"[..20];
        var beat = await http.UploadBeat(token, await Audio.Tone(220, 3, "wav"), new() { ["title"] = title });
        await http.WaitUntilProcessed(beat.Id());
        var word = title.Split(' ')[1];
        await http.SearchUntil($"q={word}", items => items.Count == 1);

        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat.Id()}/delete", otherToken)).Problem(HttpStatusCode.Forbidden);
        var deleted = await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat.Id()}/delete", token)).Body(HttpStatusCode.OK);
        Assert.True(deleted["deleted"]!.GetValue<bool>());

        await (await http.GetAsync($"/api/beats/{beat.Id()}")).Problem(HttpStatusCode.NotFound);
        await (await http.GetAsync($"/api/beats/stream/{beat.Id()}")).Problem(HttpStatusCode.NotFound);
        await (await http.GetAsync($"/api/beats/{beat.Id()}/waveform")).Problem(HttpStatusCode.NotFound);
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{beat.Id()}/delete", token)).Problem(HttpStatusCode.NotFound);
        await http.SearchUntil($"q={word}", items => items.Count == 0);

        // Nobody bought it, so none of its files is kept: master, preview and deliverables are gone from storage.
        Assert.Empty(host.BeatFiles(beat.Id()));
    }

    [Fact]
    public async Task The_preview_honours_ranges_and_conditional_requests_and_counts_one_play_for_them_all()
    {
        var (_, token) = await Producer();
        var beat = await http.UploadBeat(token, await Audio.Tone(220, 5, "wav"));
        await http.WaitUntilProcessed(beat.Id());
        var url = await http.StreamUrl(beat.Id());

        var whole = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("audio/mpeg", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        var bytes = await whole.Content.ReadAsByteArrayAsync();
        var length = bytes.Length;

        var first = await http.GetWithRange(url, "bytes=0-99");
        Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);
        Assert.Equal($"bytes 0-99/{length}", first.Content.Headers.ContentRange!.ToString());
        Assert.Equal(bytes[..100], await first.Content.ReadAsByteArrayAsync());

        var suffix = await http.GetWithRange(url, "bytes=-100");
        Assert.Equal(HttpStatusCode.PartialContent, suffix.StatusCode);
        Assert.Equal(bytes[^100..], await suffix.Content.ReadAsByteArrayAsync());

        var open = await http.GetWithRange(url, $"bytes={length - 10}-");
        Assert.Equal(HttpStatusCode.PartialContent, open.StatusCode);
        Assert.Equal(bytes[^10..], await open.Content.ReadAsByteArrayAsync());

        var beyond = await http.GetWithRange(url, $"bytes={length + 10}-");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal($"bytes */{length}", beyond.Content.Headers.ContentRange!.ToString());

        // Single-range policy: a multi-range request gets the whole file, as RFC 9110 allows.
        var several = await http.GetWithRange(url, "bytes=0-1,10-20");
        Assert.Equal(HttpStatusCode.OK, several.StatusCode);
        Assert.Equal(length, (await several.Content.ReadAsByteArrayAsync()).Length);

        var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(whole.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(conditional)).StatusCode);

        // Seven requests on one stream URL are one play (PlayCountTests: who counts how often).
        Assert.Equal(1, (await (await http.GetAsync($"/api/beats/{beat.Id()}")).Body<BeatView>(HttpStatusCode.OK)).Plays);
    }

    [Fact]
    public async Task A_tampered_stream_url_is_refused()
    {
        var (_, token) = await Producer();
        var beat = await http.UploadBeat(token, await Audio.Tone(220, 2, "wav"));
        await http.WaitUntilProcessed(beat.Id());
        var url = await http.StreamUrl(beat.Id());
        await (await http.GetAsync(url.Replace("play=", "play=0", StringComparison.Ordinal))).Problem(HttpStatusCode.Forbidden);
        await (await http.GetAsync(url[..^3] + "AAA")).Problem(HttpStatusCode.Forbidden);
        await (await http.GetAsync($"/api/beats/stream/{beat.Id()}/preview")).Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Waveform_peaks_follow_the_audio_level()
    {
        var (_, token) = await Producer();
        var beat = await http.UploadBeat(token, await Audio.Tone(220, 4, "wav", channels: 1));
        await http.WaitUntilProcessed(beat.Id());
        var waveform = await (await http.GetAsync($"/api/beats/{beat.Id()}/waveform")).Body(HttpStatusCode.OK);
        var peaks = waveform["peaks"]!.AsArray().Select(p => p!.GetValue<float>()).ToList();
        Assert.Equal(800, peaks.Count);
        // ffmpeg's sine source plays at 1/8 full scale.
        Assert.All(peaks, p => Assert.InRange(p, 0.10f, 0.14f));
    }

    [Fact]
    public async Task The_seed_json_upload_takes_only_an_object_the_caller_uploaded()
    {
        var (_, token) = await Producer();
        var (_, otherToken) = await Producer();
        var grant = await http.PostJson("/api/beats/upload-url", token, new { }, HttpStatusCode.OK);
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(220, 3, "wav"));
        var put = await (await http.PutAsync(grant["upload_url"]!.GetValue<string>(), new ByteArrayContent(wav)))
            .Body(HttpStatusCode.OK);
        var fileUrl = grant["file_url"]!.GetValue<string>();
        Assert.Equal(fileUrl[(fileUrl.LastIndexOf('/') + 1)..], put.Str("upload_id"));
        Assert.Equal(wav.Length, put["bytes"]!.GetValue<long>());

        var stolen = await (await http.Send(HttpMethod.Post, "/api/beats/upload", otherToken, new { title = "Stolen", file_url = fileUrl })).Problem(HttpStatusCode.BadRequest);
        Assert.True(stolen["errors"]!.AsObject().ContainsKey("file_url"));
        await (await http.Send(HttpMethod.Post, "/api/beats/upload", token, new { title = "Made up", file_url = "http://example.com/beat.wav" })).Problem(HttpStatusCode.BadRequest);
        var withQuery = new { title = "Query", file_url = fileUrl + "?x=1" };
        await (await http.Send(HttpMethod.Post, "/api/beats/upload", token, withQuery))
            .Problem(HttpStatusCode.BadRequest);

        var accepted = await http.PostJson("/api/beats/upload", token, new { title = "Seed form", file_url = fileUrl, price = 30, tags = new[] { "seed" } }, HttpStatusCode.Accepted);
        var ready = (await http.WaitUntilProcessed(accepted.Id())).As<BeatView>();
        Assert.Equal("ready", ready.Status);
        Assert.NotNull(ready.DurationSeconds);
        Assert.InRange(ready.DurationSeconds.Value, 2.9, 3.1);
        Assert.Equal(30m, ready.Price);
        var repeated = await (await http.Send(HttpMethod.Post, "/api/beats/upload", token,
            new { title = "Again", file_url = fileUrl })).Problem(HttpStatusCode.Conflict);
        Assert.Contains(accepted.Id(), repeated.Str("detail"), StringComparison.Ordinal);

        // The upload URL still takes a PUT until it expires, but a claimed upload is not a second beat, and the
        // first beat keeps its audio.
        var again = await http.PutAsync(grant["upload_url"]!.GetValue<string>(),
            new ByteArrayContent(await File.ReadAllBytesAsync(await Audio.Tone(440, 1, "wav"))));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var claimAgain = new { title = "Twice", file_url = fileUrl };
        var twice = await (await http.Send(HttpMethod.Post, "/api/beats/upload", token, claimAgain))
            .Problem(HttpStatusCode.Conflict);
        Assert.Contains(accepted.Id(), twice["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var first = (await (await http.GetAsync($"/api/beats/{accepted.Id()}")).Body(HttpStatusCode.OK)).As<BeatView>();
        Assert.InRange(first.DurationSeconds!.Value, 2.9, 3.1);

        var badSignature = grant["upload_url"]!.GetValue<string>().Replace("sig=", "sig=x", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PutAsync(badSignature, new ByteArrayContent([1, 2, 3]))).StatusCode);

        // Deleted, the beat's upload does not come back as it: claimed again, it is refused and its audio removed.
        await (await http.Send(HttpMethod.Delete, $"/api/beats/{accepted.Id()}/delete", token)).Body(HttpStatusCode.OK);
        var afterDelete = await http.PutAsync(grant["upload_url"]!.GetValue<string>(),
            new ByteArrayContent(await File.ReadAllBytesAsync(await Audio.Tone(440, 1, "wav"))));
        Assert.Equal(HttpStatusCode.OK, afterDelete.StatusCode);
        var revived = await (await http.Send(HttpMethod.Post, "/api/beats/upload", token, claimAgain))
            .Problem(HttpStatusCode.Conflict);
        Assert.Contains("deleted", revived.Str("detail"), StringComparison.Ordinal);
        Assert.Empty(host.BeatFiles(accepted.Id()));
        await (await http.GetAsync($"/api/beats/{accepted.Id()}")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_filters_sorts_and_pages_ready_beats()
    {
        var (account, token) = await Producer();
        var wav = await Audio.Tone(220, 1, "wav");
        var word = $"w{Guid.NewGuid():N}"[..12];
        var cheap = await http.UploadBeat(token, wav, new()
            { ["title"] = $"{word} cheap", ["genre"] = "drill", ["bpm"] = "140", ["price"] = "10", ["key"] = "F minor" });
        var mid = await http.UploadBeat(token, wav,
            new() { ["title"] = $"{word} mid", ["genre"] = "drill", ["bpm"] = "90", ["price"] = "20", ["key"] = "Fm" });
        var dear = await http.UploadBeat(token, wav, new()
            { ["title"] = $"{word} dear", ["genre"] = "lofi", ["bpm"] = "80", ["price"] = "30", ["key"] = "F major" });
        foreach (var beat in new[] { cheap, mid, dear })
        {
            await http.WaitUntilProcessed(beat.Id());
        }

        await http.SearchUntil($"q={word}", items => items.Count == 3);
        var ids = (JsonArray items) => items.Select(i => i!.As<BeatView>().BeatId).ToList();
        Assert.Equal([dear.Id(), mid.Id(), cheap.Id()], ids(await http.SearchUntil($"q={word}&sort=newest", _ => true)));
        Assert.Equal([cheap.Id(), mid.Id(), dear.Id()], ids(await http.SearchUntil($"q={word}&sort=price_asc", _ => true)));
        Assert.Equal(new[] { cheap.Id(), mid.Id() }.Order(), ids(await http.SearchUntil($"q={word}&genre=DRILL", _ => true)).Order());
        Assert.Equal([mid.Id(), dear.Id()], ids(await http.SearchUntil($"q={word}&bpm_max=100&sort=price_asc", _ => true)));
        Assert.Equal([cheap.Id(), mid.Id()], ids(await http.SearchUntil($"q={word}&price_max=20&sort=price_asc", _ => true)));
        Assert.Equal(3, (await http.SearchUntil($"producer_id={account.UserId}", _ => true)).Count);
        // A key however it was typed, at upload and in the filter: "F minor" and "Fm" are one key, "F major" another.
        var minor = new[] { cheap.Id(), mid.Id() }.Order();
        Assert.Equal(minor, ids(await http.SearchUntil($"q={word}&key=Fm", _ => true)).Order());
        Assert.Equal(minor, ids(await http.SearchUntil($"q={word}&key=f%20min", _ => true)).Order());
        Assert.Equal([dear.Id()], ids(await http.SearchUntil($"q={word}&key=F", _ => true)));
        var stored = await (await http.GetAsync($"/api/beats/{cheap.Id()}")).Body<BeatView>(HttpStatusCode.OK);
        Assert.Equal("Fm", stored.Key);

        var first = await (await http.GetAsync($"/api/beats?q={word}&sort=price_desc&limit=2")).Body<BeatsPageView>(HttpStatusCode.OK);
        Assert.Equal([dear.Id(), mid.Id()], first.Items.Select(i => i.BeatId));
        Assert.NotNull(first.NextCursor);
        var second = await (await http.GetAsync($"/api/beats?q={word}&sort=price_desc&limit=2&cursor={first.NextCursor}")).Body<BeatsPageView>(HttpStatusCode.OK);
        Assert.Equal([cheap.Id()], second.Items.Select(i => i.BeatId));
        Assert.Null(second.NextCursor);
    }

    [Theory]
    [InlineData("sort=loudest")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("cursor=bm90LWEtY3Vyc29y")]
    [InlineData("bpm_min=120&bpm_max=100")]
    [InlineData("price_max=abc")]
    [InlineData("price_max=1%2C5")]
    [InlineData("bpm_min=1%2C40")]
    [InlineData("bpm_max=1e3")]
    public async Task Bad_search_parameters_are_400(string query) =>
        await (await http.GetAsync($"/api/beats?{query}")).Problem(HttpStatusCode.BadRequest);

    [Fact]
    public async Task A_search_with_full_text_syntax_characters_is_answered_not_failed()
    {
        var response = await http.GetAsync("/api/beats?q=%22drill%22%20OR%20*%20NEAR(%27x%27)%20%3A%26%7C!");
        await response.Body(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("not-a-beat")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    public async Task An_unknown_beat_is_404(string beatId)
    {
        await (await http.GetAsync($"/api/beats/{beatId}")).Problem(HttpStatusCode.NotFound);
        await (await http.GetAsync($"/api/beats/stream/{beatId}")).Problem(HttpStatusCode.NotFound);
    }

    private async Task<string> DownloadPreview(string beatId)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("beatorleans-preview-").FullName, "preview.mp3");
        await File.WriteAllBytesAsync(path, await http.GetByteArrayAsync(await http.StreamUrl(beatId)));
        return path;
    }

    private int CountMasters()
    {
        var masters = Path.Combine(host.DataDirectory, "blobs", "masters");
        return Directory.Exists(masters) ? Directory.GetFiles(masters, "*", SearchOption.AllDirectories).Length : 0;
    }
}
